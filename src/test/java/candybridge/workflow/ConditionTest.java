package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import candybridge.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every filter operator on every shape of value: a condition is true or false, never an exception,
 * and its reason never shows an e-mail address.
 */
class ConditionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Marks a field that is not in the event at all. */
  private static final String MISSING = "MISSING";

  @ParameterizedTest(name = "{0}: v = {1}, {2} {3} -> {4}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        // equals
        "same text                        | \"paid\"            | equals     | \"paid\"         | true",
        "other text                       | \"unpaid\"          | equals     | \"paid\"         | false",
        "text differing in case           | \"Paid\"            | equals     | \"paid\"         | false",
        "missing field                    | MISSING             | equals     | \"paid\"         | false",
        "JSON null                        | null                | equals     | \"paid\"         | false",
        "same integer                     | 3000                | equals     | 3000             | true",
        "decimal equal to the integer     | 30.0                | equals     | 30               | true",
        "other decimal                    | 30.5                | equals     | 30               | false",
        "numeric text and number          | \"30\"              | equals     | 30               | true",
        "boolean true                     | true                | equals     | true             | true",
        "boolean false vs true            | false               | equals     | true             | false",
        "text true vs boolean             | \"true\"            | equals     | true             | false",
        "boolean vs text true             | true                | equals     | \"true\"         | false",
        "number vs text                   | 1                   | equals     | \"paid\"         | false",
        "object                           | {\"a\": \"paid\"}   | equals     | \"paid\"         | false",
        "array                            | [\"paid\"]          | equals     | \"paid\"         | false",
        "same e-mail                      | \"a@example.com\"   | equals     | \"a@example.com\" | true",
        // not_equals
        "other text                       | \"unpaid\"          | not_equals | \"paid\"         | true",
        "same text                        | \"paid\"            | not_equals | \"paid\"         | false",
        "same number written as decimal   | 30.0                | not_equals | 30               | false",
        "other number                     | 31                  | not_equals | 30               | true",
        "text true vs boolean             | \"true\"            | not_equals | true             | true",
        "missing field                    | MISSING             | not_equals | \"paid\"         | false",
        "JSON null                        | null                | not_equals | \"paid\"         | false",
        "object                           | {\"a\": \"paid\"}   | not_equals | \"paid\"         | false",
        "array                            | [\"x\"]             | not_equals | \"paid\"         | false",
        // in
        "listed text                      | \"paid\"            | in         | [\"paid\", \"no_payment_required\"] | true",
        "other listed text                | \"no_payment_required\" | in     | [\"paid\", \"no_payment_required\"] | true",
        "unlisted text                    | \"unpaid\"          | in         | [\"paid\", \"no_payment_required\"] | false",
        "missing field                    | MISSING             | in         | [\"paid\"]       | false",
        "JSON null                        | null                | in         | [\"paid\"]       | false",
        "listed number                    | 3                   | in         | [1, 3]           | true",
        "listed number as decimal         | 3.0                 | in         | [1, 3]           | true",
        "numeric text of a listed number  | \"3\"               | in         | [1, 3]           | true",
        "unlisted number                  | 2                   | in         | [1, 3]           | false",
        "text true vs listed boolean      | \"true\"            | in         | [true]           | false",
        "array holding a listed value     | [\"paid\"]          | in         | [\"paid\"]       | false",
        "object                           | {\"paid\": true}    | in         | [\"paid\"]       | false",
        // exists
        "text exists                      | \"paid\"            | exists     | true             | true",
        "number exists                    | 0                   | exists     | true             | true",
        "boolean false exists             | false               | exists     | true             | true",
        "empty object exists              | {}                  | exists     | true             | true",
        "empty array exists               | []                  | exists     | true             | true",
        "missing field does not exist     | MISSING             | exists     | true             | false",
        "JSON null does not exist         | null                | exists     | true             | false",
        "missing field, exists false      | MISSING             | exists     | false            | true",
        "JSON null, exists false          | null                | exists     | false            | true",
        "text, exists false               | \"paid\"            | exists     | false            | false",
        // gt
        "greater integer                  | 3000                | gt         | 2999             | true",
        "equal integer                    | 3000                | gt         | 3000             | false",
        "smaller integer                  | 2998                | gt         | 2999             | false",
        "greater decimal                  | 10.5                | gt         | 10               | true",
        "integer vs decimal operand       | 10                  | gt         | 9.99             | true",
        "negative                         | -1                  | gt         | 0                | false",
        "numeric text                     | \"3000\"            | gt         | 2999             | true",
        "numeric text with spaces         | \" 3000 \"          | gt         | 2999             | true",
        "numeric text in exponent form    | \"1e3\"             | gt         | 999              | true",
        "decimal text                     | \"0.5\"             | gt         | 0.25             | true",
        "other text                       | \"abc\"             | gt         | 0                | false",
        "missing field                    | MISSING             | gt         | 0                | false",
        "JSON null                        | null                | gt         | 0                | false",
        "boolean                          | true                | gt         | 0                | false",
        "object                           | {\"a\": 5}          | gt         | 0                | false",
        "array                            | [5]                 | gt         | 0                | false",
        // gte
        "equal integer                    | 3000                | gte        | 3000             | true",
        "greater integer                  | 3001                | gte        | 3000             | true",
        "smaller integer                  | 2999                | gte        | 3000             | false",
        "equal decimal                    | 30.0                | gte        | 30               | true",
        "numeric text                     | \"3000\"            | gte        | 3000             | true",
        "other text                       | \"abc\"             | gte        | 0                | false",
        "missing field                    | MISSING             | gte        | 0                | false",
        "JSON null                        | null                | gte        | 0                | false",
        "boolean                          | false               | gte        | 0                | false",
        "object                           | {}                  | gte        | 0                | false",
        // lt
        "smaller integer                  | 2999                | lt         | 3000             | true",
        "equal integer                    | 3000                | lt         | 3000             | false",
        "smaller decimal                  | 10.5                | lt         | 10.6             | true",
        "negative                         | -5                  | lt         | 0                | true",
        "numeric text                     | \"10\"              | lt         | 11               | true",
        "other text                       | \"abc\"             | lt         | 1000             | false",
        "missing field                    | MISSING             | lt         | 1000             | false",
        "JSON null                        | null                | lt         | 1000             | false",
        "boolean                          | false               | lt         | 1000             | false",
        "object                           | {\"a\": 1}          | lt         | 1000             | false",
        "array                            | [1]                 | lt         | 1000             | false",
        "NaN text                         | \"NaN\"             | lt         | 1000             | false",
        // lte
        "equal integer                    | 3000                | lte        | 3000             | true",
        "smaller integer                  | 2999                | lte        | 3000             | true",
        "greater integer                  | 3001                | lte        | 3000             | false",
        "equal decimal text               | \"30.00\"           | lte        | 30               | true",
        "other text                       | \"abc\"             | lte        | 1000             | false",
        "missing field                    | MISSING             | lte        | 1000             | false",
        "JSON null                        | null                | lte        | 1000             | false",
        "array                            | []                  | lte        | 1000             | false",
        // numbers out of double range (a JSON 1e400 reads as infinity)
        "infinite number, gt              | 1e400               | gt         | 0                | false",
        "infinite number, lt              | 1e400               | lt         | 0                | false",
        "infinite number, equals          | 1e400               | equals     | 1                | false",
        "infinite number, in              | 1e400               | in         | [1]              | false",
        "infinite number, exists          | 1e400               | exists     | true             | true"
      })
  void operator_holds_or_not_without_throwing(
      String rule, String valueJson, String operator, String operandJson, boolean holds) {
    Condition condition = condition("v", operator, operandJson);
    EventView view = eventWith("v", valueJson);

    Optional<String> failure = condition.failure(view);

    assertThat(failure.isEmpty()).as(rule + ": " + failure.orElse("holds")).isEqualTo(holds);
    assertThat(failure.orElse("")).doesNotContain("@");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "infinite operand, gt      | 5     | gt     | Infinity",
        "infinite operand, lte     | 5     | lte    | -Infinity",
        "NaN operand, equals       | 5     | equals | NaN",
        "NaN operand, in           | 5     | in     | [NaN]"
      })
  void non_finite_operands_never_throw(
      String rule, String valueJson, String operator, String operand) {
    JsonNode operandNode =
        switch (operand) {
          case "Infinity" -> JSON.getNodeFactory().numberNode(Double.POSITIVE_INFINITY);
          case "-Infinity" -> JSON.getNodeFactory().numberNode(Double.NEGATIVE_INFINITY);
          case "NaN" -> JSON.getNodeFactory().numberNode(Double.NaN);
          default -> JSON.createArrayNode().add(Double.NaN);
        };
    Condition condition =
        new Condition(
            FieldPath.parse("v"), Condition.Operator.fromKey(operator).orElseThrow(), operandNode);

    assertThatCode(() -> condition.failure(eventWith("v", valueJson))).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "\"jenny.rosen@example.com\" | equals     | \"someone@example.com\"",
        "\"jenny.rosen@example.com\" | not_equals | \"jenny.rosen@example.com\"",
        "\"jenny.rosen@example.com\" | in         | [\"a@example.com\", \"b@example.com\"]",
        "\"jenny.rosen@example.com\" | gt         | 5",
        "\"jenny.rosen@example.com\" | exists     | false",
        "{\"email\": \"jenny.rosen@example.com\"} | equals | \"x\"",
        "[\"jenny.rosen@example.com\"] | equals   | \"x\""
      })
  void failure_reason_never_shows_an_email_address(
      String valueJson, String operator, String operandJson) {
    Condition condition = condition("customer_details.email", operator, operandJson);

    Optional<String> failure =
        condition.failure(eventWith("customer_details", "{\"email\": " + valueJson + "}"));

    assertThat(failure)
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .startsWith("customer_details.email is ")
                    .doesNotContain("@")
                    .doesNotContain("jenny"));
  }

  @ParameterizedTest(name = "{1} {2} {3} -> {4}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "\"unpaid\" | payment_status | equals     | \"paid\"  | payment_status is 'unpaid', expected equals 'paid'",
        "MISSING    | payment_status | equals     | \"paid\"  | payment_status is missing, expected equals 'paid'",
        "null       | payment_status | in         | [\"paid\", \"no_payment_required\"] | payment_status is missing, expected in ['paid', 'no_payment_required']",
        "\"paid\"   | payment_status | exists     | false     | payment_status is 'paid', expected exists false",
        "2999       | amount_total   | gte        | 3000      | amount_total is 2999, expected gte 3000",
        "{}         | amount_total   | lt         | 3000      | amount_total is (object), expected lt 3000",
        "\"a b\"    | payment_status | equals     | \"paid\"  | payment_status is (a value not shown), expected equals 'paid'"
      })
  void failure_reason_names_the_field_the_value_and_the_expectation(
      String valueJson, String field, String operator, String operandJson, String reason) {
    assertThat(condition(field, operator, operandJson).failure(eventWith(field, valueJson)))
        .contains(reason);
  }

  @Test
  void condition_reads_nested_fields_array_indexes_and_the_envelope() {
    EventView view =
        eventWith("items", "{\"data\": [{\"price\": {\"unit_amount\": 700}}, {\"quantity\": 2}]}");

    assertThat(condition("items.data.0.price.unit_amount", "equals", "700").failure(view))
        .isEmpty();
    assertThat(condition("items.data.1.quantity", "gte", "2").failure(view)).isEmpty();
    assertThat(condition("items.data.2.quantity", "exists", "false").failure(view)).isEmpty();
    assertThat(condition("$event.type", "equals", "\"checkout.session.completed\"").failure(view))
        .isEmpty();
    assertThat(condition("$event.created", "gt", "1700000000").failure(view)).isEmpty();
  }

  @Test
  void condition_reads_livemode_and_the_connected_account() {
    EventView connect =
        EventView.of(
            Fixtures.parse(
                """
        {"id": "evt_connect", "type": "checkout.session.completed", "created": 1789466652,
         "livemode": true, "account": "acct_1Connected", "data": {"object": {"id": "cs_1"}}}
        """));
    EventView platform =
        EventView.of(
            Fixtures.parse(
                """
        {"id": "evt_platform", "type": "checkout.session.completed", "created": 1789466652,
         "livemode": false, "data": {"object": {"id": "cs_2"}}}
        """));

    assertThat(condition("$event.livemode", "equals", "true").failure(connect)).isEmpty();
    assertThat(condition("$event.livemode", "equals", "true").failure(platform)).isPresent();
    assertThat(condition("$event.account", "in", "[\"acct_1Connected\"]").failure(connect))
        .isEmpty();
    assertThat(condition("$event.account", "exists", "false").failure(platform)).isEmpty();
    assertThat(condition("$event.account", "exists", "true").failure(platform)).isPresent();
  }

  private static Condition condition(String field, String operator, String operandJson) {
    return new Condition(
        FieldPath.parse(field),
        Condition.Operator.fromKey(operator).orElseThrow(),
        json(operandJson));
  }

  /** A checkout.session.completed event whose object holds {@code field} (unless MISSING). */
  private static EventView eventWith(String field, String valueJson) {
    String member = valueJson.equals(MISSING) ? "" : ", \"" + field + "\": " + valueJson;
    return EventView.of(
        Fixtures.parse(
            """
            {
              "id": "evt_condition",
              "type": "checkout.session.completed",
              "created": 1789466652,
              "api_version": "2026-07-29.dahlia",
              "data": {"object": {"id": "cs_condition"%s}}
            }
            """
                .formatted(member)));
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException("test operand is not JSON: " + text, e);
    }
  }
}
