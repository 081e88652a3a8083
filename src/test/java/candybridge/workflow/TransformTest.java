package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each transform on values that fit and values that do not (then the next source is tried). */
class TransformTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MISSING = "MISSING";
  private static final String EMPTY = "EMPTY";
  private static final String NO_CURRENCY = "-";

  @ParameterizedTest(name = "{0}({1}) in {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        // major_units, by the currency of the event's object
        "major_units     | 3000                     | usd | 30.00",
        "major_units     | 1                        | usd | 0.01",
        "major_units     | 0                        | eur | 0.00",
        "major_units     | -1500                    | usd | -15.00",
        "major_units     | 5000                     | jpy | 5000",
        "major_units     | 5000                     | JPY | 5000",
        "major_units     | 75000                    | krw | 75000",
        "major_units     | 12340                    | kwd | 12.340",
        "major_units     | 1                        | tnd | 0.001",
        "major_units     | 10000                    | isk | 100.00",
        "major_units     | \"3000\"                 | usd | EMPTY",
        "major_units     | 30.5                     | usd | EMPTY",
        "major_units     | 3000.0                   | usd | EMPTY",
        "major_units     | true                     | usd | EMPTY",
        "major_units     | null                     | usd | EMPTY",
        "major_units     | MISSING                  | usd | EMPTY",
        "major_units     | {}                       | usd | EMPTY",
        "major_units     | 99999999999999999999     | usd | EMPTY",
        "major_units     | 3000                     | -   | EMPTY",
        // items_total: sum of price.unit_amount x quantity, in major units
        "items_total     | [{\"price\": {\"unit_amount\": 1000}, \"quantity\": 2}, {\"price\": {\"unit_amount\": 500}, \"quantity\": 1}] | usd | 25.00",
        "items_total     | [{\"price\": {\"unit_amount\": 1000}, \"quantity\": 2}, {\"price\": {\"unit_amount\": 500}, \"quantity\": 1}] | jpy | 2500",
        "items_total     | [{\"price\": {\"unit_amount\": 1000}, \"quantity\": 3}] | kwd | 3.000",
        "items_total     | [{\"price\": {\"unit_amount\": 1000}}]                   | usd | 10.00",
        "items_total     | [{\"price\": {\"unit_amount\": 1000}, \"quantity\": null}] | usd | 10.00",
        "items_total     | [{\"price\": {\"unit_amount\": 1000}, \"quantity\": 0}]  | usd | 0.00",
        "items_total     | [{\"price\": {\"unit_amount\": 1000}, \"quantity\": 2}, {\"price\": {}, \"quantity\": 1}] | usd | EMPTY",
        "items_total     | [{\"price\": {\"unit_amount\": null, \"unit_amount_decimal\": \"10.5\"}}] | usd | EMPTY",
        "items_total     | [{\"quantity\": 1}]                                      | usd | EMPTY",
        "items_total     | [{\"price\": {\"unit_amount\": \"1000\"}, \"quantity\": 1}] | usd | EMPTY",
        "items_total     | [{\"price\": {\"unit_amount\": 1000}, \"quantity\": -1}] | usd | EMPTY",
        "items_total     | [{\"price\": {\"unit_amount\": 1000}, \"quantity\": \"many\"}] | usd | EMPTY",
        "items_total     | [{\"price\": {\"unit_amount\": 9223372036854775807}, \"quantity\": 2}] | usd | EMPTY",
        "items_total     | [{\"price\": {\"unit_amount\": 9223372036854775807}}, {\"price\": {\"unit_amount\": 1}}] | usd | EMPTY",
        "items_total     | []                       | usd | EMPTY",
        "items_total     | {\"data\": []}           | usd | EMPTY",
        "items_total     | 1000                     | usd | EMPTY",
        "items_total     | MISSING                  | usd | EMPTY",
        "items_total     | [{\"price\": {\"unit_amount\": 1000}}] | - | EMPTY",
        // first_name, last_name: split at the first space after normalising whitespace
        "first_name      | \"Jenny Rosen\"          | usd | Jenny",
        "first_name      | \"  Jenny   Rosen \"     | usd | Jenny",
        "first_name      | \"Cher\"                 | usd | Cher",
        "first_name      | \"\"                     | usd | EMPTY",
        "first_name      | \"   \"                  | usd | EMPTY",
        "first_name      | null                     | usd | EMPTY",
        "first_name      | MISSING                  | usd | EMPTY",
        "first_name      | {\"first\": \"Jenny\"}   | usd | EMPTY",
        "last_name       | \"Jenny Rosen\"          | usd | Rosen",
        "last_name       | \"Ludwig van Beethoven\" | usd | van Beethoven",
        "last_name       | \"Jenny\\t Maria  Rosen\" | usd | Maria Rosen",
        "last_name       | \"Cher\"                 | usd | EMPTY",
        "last_name       | \"  Cher  \"             | usd | EMPTY",
        "last_name       | null                     | usd | EMPTY",
        // email_local_part: before any + and the @
        "email_local_part | \"jenny.rosen@example.com\" | usd | jenny.rosen",
        "email_local_part | \"jenny+referral@example.com\" | usd | jenny",
        "email_local_part | \"jenny+a+b@example.com\" | usd | jenny",
        "email_local_part | \" jenny@example.com \"  | usd | jenny",
        "email_local_part | \"+tag@example.com\"     | usd | EMPTY",
        "email_local_part | \"@example.com\"         | usd | EMPTY",
        "email_local_part | \"\"                     | usd | EMPTY",
        "email_local_part | null                     | usd | EMPTY",
        // unix_time: seconds from an integer or an ISO-8601 instant
        "unix_time       | 1789466652               | usd | 1789466652",
        "unix_time       | \"1789466652\"           | usd | 1789466652",
        "unix_time       | \"2026-09-15T10:04:12Z\" | usd | 1789466652",
        "unix_time       | \"2026-09-15T10:04:12.750Z\" | usd | 1789466652",
        "unix_time       | \"yesterday\"            | usd | EMPTY",
        "unix_time       | \"2026-09-15\"           | usd | EMPTY",
        "unix_time       | \"1789466652000000\"     | usd | EMPTY",
        "unix_time       | \"\"                     | usd | EMPTY",
        "unix_time       | 1789466652.5             | usd | EMPTY",
        "unix_time       | true                     | usd | EMPTY",
        "unix_time       | null                     | usd | EMPTY",
        "unix_time       | MISSING                  | usd | EMPTY",
        // rc_locale
        "rc_locale       | \"fr-CA\"                | usd | fr",
        "rc_locale       | \"zh-tw\"                | usd | zh-TW",
        "rc_locale       | \"pt-BR\"                | usd | pt-BR",
        "rc_locale       | \"auto\"                 | usd | EMPTY",
        "rc_locale       | \"zh\"                   | usd | EMPTY",
        "rc_locale       | null                     | usd | EMPTY",
        // opt_in: always a value, true only for opt_in
        "opt_in          | \"opt_in\"               | usd | true",
        "opt_in          | \"opt_out\"              | usd | false",
        "opt_in          | \"OPT_IN\"               | usd | false",
        "opt_in          | \"\"                     | usd | false",
        "opt_in          | true                     | usd | false",
        "opt_in          | null                     | usd | false",
        "opt_in          | MISSING                  | usd | false",
        // upper_case, lower_case
        "upper_case      | \"usd\"                  | usd | USD",
        "upper_case      | \" eur \"                | usd | EUR",
        "upper_case      | 42                       | usd | 42",
        "upper_case      | \"\"                     | usd | EMPTY",
        "upper_case      | {}                       | usd | EMPTY",
        "upper_case      | MISSING                  | usd | EMPTY",
        "lower_case      | \"JENNY@EXAMPLE.COM\"    | usd | jenny@example.com",
        "lower_case      | \"Title\"                | usd | title",
        "lower_case      | [\"A\"]                  | usd | EMPTY",
        "lower_case      | null                     | usd | EMPTY",
        // none: the value as trimmed text
        "none            | \" cs_test_1 \"          | usd | cs_test_1",
        "none            | 3000                     | usd | 3000",
        "none            | false                    | usd | false",
        "none            | \"  \"                   | usd | EMPTY",
        "none            | {}                       | usd | EMPTY"
      })
  void transform_gives_text_or_nothing(
      String transform, String valueJson, String currency, String expected) {
    Optional<String> result =
        Transform.fromKey(transform).orElseThrow().apply(value(valueJson), objectIn(currency));

    assertThat(result).isEqualTo(expected.equals(EMPTY) ? Optional.empty() : Optional.of(expected));
  }

  @ParameterizedTest
  @CsvSource({
    "upper_case",
    "lower_case",
    "major_units",
    "items_total",
    "first_name",
    "last_name",
    "email_local_part",
    "unix_time",
    "rc_locale",
    "opt_in"
  })
  void every_documented_transform_has_its_key(String key) {
    assertThat(Transform.fromKey(key)).hasValueSatisfying(t -> assertThat(t.key()).isEqualTo(key));
  }

  private static JsonNode value(String json) {
    if (json.equals(MISSING)) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException("test value is not JSON: " + json, e);
    }
  }

  /** An event whose object has this currency (none for {@code -}). */
  private static EventView objectIn(String currency) {
    String field = currency.equals(NO_CURRENCY) ? "" : ", \"currency\": \"" + currency + "\"";
    return EventView.of(
        Fixtures.parse(
            """
            {"id": "evt_t", "type": "customer.subscription.created", "created": 1,
             "api_version": "2026-07-29.dahlia", "data": {"object": {"id": "sub_1"%s}}}
            """
                .formatted(field)));
  }
}
