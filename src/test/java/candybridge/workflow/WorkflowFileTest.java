package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import candybridge.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading workflow files: every mistake is named with its workflow and field, all at once. */
class WorkflowFileTest {
  private static final String AT = "test.yaml: workflow 'signup', field ";

  /** A file with one workflow named signup whose lines are {@code body}. */
  private static String signup(String body) {
    return "default_workflows: replace\nworkflows:\n  - name: signup\n" + body.indent(4);
  }

  private static final String VALID =
      """
      trigger: customer.created
      action: sign_up_contact
      dedupe_key: "signup:{id}"
      params: {email: email, first_name: name}
      """;

  static Stream<Arguments> brokenWorkflows() {
    return Stream.of(
        arguments(
            "unknown trigger",
            """
            trigger: customer.exploded
            action: sign_up_contact
            params: {email: email, first_name: name}
            """,
            "'trigger': unknown trigger 'customer.exploded' (known: charge.refunded,"),
        arguments(
            "missing trigger",
            """
            action: sign_up_contact
            params: {email: email, first_name: name}
            """,
            "'trigger': unknown trigger ''"),
        arguments(
            "unknown action",
            """
            trigger: customer.created
            action: send_candy
            params: {email: email, first_name: name}
            """,
            "'action': unknown action 'send_candy' (known: create_purchase,"
                + " mark_referral_returned, sign_up_contact)"),
        arguments(
            "field path with an empty segment",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: customer..email, first_name: name}
            """,
            "'params.email': 'customer..email' is not a field path"),
        arguments(
            "field path ending in a dot",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: {field: "customer."}, first_name: name}
            """,
            "'params.email.field': 'customer.' is not a field path"),
        arguments(
            "field path with an unknown $ scope",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: {field: $foo.bar}, first_name: name}
            """,
            "'params.email.field': '$foo.bar': only $event.<field> and $session.completed_at"
                + " start with $"),
        arguments(
            "unknown envelope field",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: email, first_name: [name, $event.mode]}
            """,
            "'params.first_name[1]': '$event.mode': the envelope fields are $event.id,"),
        arguments(
            "missing required parameter mapping",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: email}
            """,
            "'params.first_name': required by sign_up_contact but not mapped"),
        arguments(
            "no params at all",
            """
            trigger: customer.created
            action: sign_up_contact
            """,
            "'params': must map ReferralCandy parameters to sources"),
        arguments(
            "unknown transform",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: email, first_name: {field: name, transform: title_case}}
            """,
            "'params.first_name.transform': unknown transform 'title_case' (known: upper_case,"),
        arguments(
            "parameter the action does not take",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: email, first_name: name, discount_code: metadata.code}
            """,
            "'params.discount_code': sign_up_contact takes no parameter 'discount_code' (it takes:"
                + " email, first_name, last_name)"),
        arguments(
            "unknown key in a workflow",
            VALID + "retries: 3\n",
            "'retries': unknown key (known: name, enabled, trigger, filter, action, dedupe_key,"
                + " params)"),
        arguments(
            "unknown key in a source",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: {field: email, fallback: x}, first_name: name}
            """,
            "'params.email.fallback': unknown key (known: field, value, param, lookup, id,"
                + " transform)"),
        arguments(
            "unknown key in a source of a list",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: [email, {field: x, default: y}], first_name: name}
            """,
            "'params.email[1].default': unknown key"),
        arguments(
            "source with two kinds",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: {field: email, value: x}, first_name: name}
            """,
            "'params.email': needs exactly one of field, value, param, lookup"),
        arguments(
            "source list that is empty",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: [], first_name: name}
            """,
            "'params.email': has no source"),
        arguments(
            "in: not a list",
            VALID + "filter: [{field: status, in: active}]\n",
            "'filter[0].in': must be a non-empty list"),
        arguments(
            "in: an empty list",
            VALID + "filter: [{field: status, in: []}]\n",
            "'filter[0].in': must be a non-empty list"),
        arguments(
            "gt: not a number",
            VALID + "filter: [{field: amount_total, gt: \"x\"}]\n",
            "'filter[0].gt': must be a number"),
        arguments(
            "lte: numeric text is still not a number",
            VALID + "filter: [{field: amount_total, lte: \"5\"}]\n",
            "'filter[0].lte': must be a number"),
        arguments(
            "exists: not a boolean",
            VALID + "filter: [{field: email, exists: \"yes\"}]\n",
            "'filter[0].exists': must be true or false"),
        arguments(
            "equals: a list",
            VALID + "filter: [{field: status, equals: [a, b]}]\n",
            "'filter[0].equals': must be a single value"),
        arguments(
            "equals: null",
            VALID + "filter: [{field: status, equals: null}]\n",
            "'filter[0].equals': must be a single value"),
        arguments(
            "unknown operator",
            VALID + "filter: [{field: status, matches: act.*}]\n",
            "'filter[0].matches': unknown operator"),
        arguments(
            "two operators in one condition",
            VALID + "filter: [{field: amount_total, gt: 1, lt: 5}]\n",
            "'filter[0]': needs 'field' and exactly one operator"),
        arguments(
            "condition without a field",
            VALID + "filter: [{equals: active}]\n",
            "'filter[0].field': empty field path"),
        arguments(
            "condition with a bad field path",
            VALID + "filter: [{field: \"status..x\", equals: active}]\n",
            "'filter[0].field': 'status..x' is not a field path"),
        arguments(
            "filter not a list",
            VALID + "filter: {field: status, equals: active}\n",
            "'filter': must be a list of conditions"),
        arguments(
            "enabled not a boolean",
            VALID + "enabled: \"sometimes\"\n",
            "'enabled': must be true or false"),
        arguments(
            "param referring to a later parameter",
            """
            trigger: customer.created
            action: sign_up_contact
            params:
              first_name: {param: email, transform: email_local_part}
              email: email
            """,
            "'params.first_name.param': 'email' is not a parameter mapped above this one"),
        arguments(
            "param referring to itself",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: email, first_name: {param: first_name}}
            """,
            "'params.first_name.param': 'first_name' is not a parameter mapped above this one"),
        arguments(
            "lookup without id",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: {lookup: customer.email}, first_name: name}
            """,
            "'params.email.id': a lookup needs the field holding the object id"),
        arguments(
            "lookup with a bad id path",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: {lookup: customer.email, id: "a..b"}, first_name: name}
            """,
            "'params.email.id': 'a..b' is not a field path"),
        arguments(
            "unknown lookup",
            """
            trigger: customer.created
            action: sign_up_contact
            params: {email: {lookup: customer.phone, id: id}, first_name: name}
            """,
            "'params.email.lookup': unknown lookup 'customer.phone' (known: customer.email,"
                + " customer.name, promotion_code.code)"),
        arguments(
            "dedupe key naming no field",
            """
            trigger: customer.created
            action: sign_up_contact
            dedupe_key: signup
            params: {email: email, first_name: name}
            """,
            "'dedupe_key': 'signup' names no field"),
        arguments(
            "dedupe key with an unbalanced brace",
            """
            trigger: customer.created
            action: sign_up_contact
            dedupe_key: "signup:{id"
            params: {email: email, first_name: name}
            """,
            "'dedupe_key': 'signup:{id' has an unbalanced { or }"),
        arguments(
            "dedupe key with a bad field path",
            """
            trigger: customer.created
            action: sign_up_contact
            dedupe_key: "signup:{customer..id}"
            params: {email: email, first_name: name}
            """,
            "'dedupe_key': 'customer..id' is not a field path"),
        arguments(
            "dedupe key with an empty placeholder",
            """
            trigger: customer.created
            action: sign_up_contact
            dedupe_key: "signup:{}"
            params: {email: email, first_name: name}
            """,
            "'dedupe_key': empty field path"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenWorkflows")
  void broken_workflow_is_reported_with_its_name_and_field(
      String mistake, String body, String problem) {
    assertThatThrownBy(() -> WorkflowFile.parse(signup(body), "test.yaml"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems()).singleElement().asString().startsWith(AT + problem);
              assertThat(e.getMessage()).contains(AT + problem);
            });
  }

  static Stream<Arguments> brokenFiles() {
    return Stream.of(
        arguments(
            "unknown top-level key",
            "default_workflows: keep\nworkflow: []\n",
            List.of(
                "test.yaml: 'workflow': unknown key (known: default_workflows, workflows)",
                "test.yaml: 'workflows' must be a list")),
        arguments(
            "bad default_workflows",
            "default_workflows: merge\nworkflows: []\n",
            List.of("test.yaml: default_workflows must be keep or replace, not 'merge'")),
        arguments(
            "workflows not a list",
            "workflows: checkout-purchase\n",
            List.of("test.yaml: 'workflows' must be a list")),
        arguments(
            "not a mapping",
            "- name: signup\n",
            List.of("test.yaml: expected a mapping with a 'workflows' list")),
        arguments(
            "empty file", "", List.of("test.yaml: expected a mapping with a 'workflows' list")),
        arguments(
            "workflow without a name",
            "workflows:\n  - trigger: customer.created\n",
            List.of("test.yaml: workflow #1: field 'name' is required")),
        arguments(
            "duplicate workflow names",
            signup(VALID) + "  - name: signup\n" + VALID.indent(4),
            List.of("test.yaml: workflow 'signup': field 'name': defined twice")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFiles")
  void broken_file_is_reported_with_every_problem(
      String mistake, String yaml, List<String> problems) {
    assertThatThrownBy(() -> WorkflowFile.parse(yaml, "test.yaml"))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.problems()).isEqualTo(problems));
  }

  @Test
  void text_that_is_not_yaml_is_reported_with_the_file_name() {
    assertThatThrownBy(
            () -> WorkflowFile.parse("workflows: [ {name: x\n  trigger: ]]", "test.yaml"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith("test.yaml: not valid YAML: "));
  }

  @Test
  void several_problems_in_several_workflows_are_reported_at_once() {
    String yaml =
        """
        default_workflows: replace
        workflows:
          - name: first
            trigger: customer.exploded
            action: send_candy
            params: {}
          - name: second
            trigger: customer.created
            action: sign_up_contact
            dedupe_key: nothing
            params: {email: "customer..email"}
        """;

    assertThatThrownBy(() -> WorkflowFile.parse(yaml, "test.yaml"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems())
                  .hasSize(5)
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .startsWith(
                                  "test.yaml: workflow 'first', field 'trigger': unknown trigger"))
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .startsWith(
                                  "test.yaml: workflow 'first', field 'action': unknown action"))
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .startsWith(
                                  "test.yaml: workflow 'second', field 'dedupe_key': 'nothing' names no field"))
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .startsWith(
                                  "test.yaml: workflow 'second', field 'params.email': 'customer..email' is not a field path"))
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .isEqualTo(
                                  "test.yaml: workflow 'second', field 'params.first_name': required by sign_up_contact but not mapped"));
              assertThat(e.getMessage()).startsWith("Invalid configuration (5 problems):");
            });
  }

  @Test
  void infinity_is_not_an_operand() {
    assertThatThrownBy(
            () ->
                WorkflowFile.parse(
                    signup(VALID + "filter: [{field: amount_total, gt: .inf}]\n"), "test.yaml"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith("test.yaml: ")
                    .contains("'.inf'"));
  }

  @Test
  void default_workflows_replace_drops_the_built_in_ones() {
    Workflow workflow = WorkflowFile.parse(signup(VALID), "test.yaml");

    assertThat(workflow.definitions())
        .extracting(WorkflowDefinition::name)
        .containsExactly("signup");
    assertThat(workflow.handles("customer.created")).isTrue();
    assertThat(workflow.handles("checkout.session.completed")).isTrue();
  }

  @Test
  void default_workflows_keep_runs_the_built_in_ones_first() {
    Workflow workflow = WorkflowFile.parse(signup(VALID).replace("replace", "keep"), "test.yaml");

    assertThat(workflow.definitions())
        .extracting(WorkflowDefinition::name)
        .containsExactly("checkout-purchase", "checkout-async-purchase", "signup");
    assertThat(workflow.definitions().subList(0, 2)).isEqualTo(Workflow.defaults().definitions());
  }

  @Test
  void default_workflows_is_keep_when_not_said() {
    Workflow workflow =
        WorkflowFile.parse(signup(VALID).replace("default_workflows: replace\n", ""), "test.yaml");

    assertThat(workflow.definitions())
        .extracting(WorkflowDefinition::name)
        .containsExactly("checkout-purchase", "checkout-async-purchase", "signup");
  }

  @Test
  void a_workflow_named_like_a_built_in_one_replaces_it_in_place() {
    Workflow workflow =
        WorkflowFile.parse(
            """
            default_workflows: keep
            workflows:
              - name: checkout-purchase
                enabled: false
                trigger: checkout.session.completed
                action: sign_up_contact
                params: {email: customer_details.email, first_name: customer_details.name}
            """,
            "test.yaml");

    assertThat(workflow.definitions())
        .extracting(WorkflowDefinition::name)
        .containsExactly("checkout-purchase", "checkout-async-purchase");
    WorkflowDefinition replaced = workflow.named("checkout-purchase").orElseThrow();
    assertThat(replaced.enabled()).isFalse();
    assertThat(replaced.action()).isEqualTo(Action.SIGN_UP_CONTACT);
    assertThat(workflow.named("checkout-async-purchase"))
        .isEqualTo(Workflow.defaults().named("checkout-async-purchase"));
  }

  @Test
  void example_file_parses_with_its_three_workflows_disabled() {
    Workflow workflow = WorkflowFile.load(Path.of("examples/workflows.yaml"));

    assertThat(workflow.definitions())
        .extracting(
            WorkflowDefinition::name, WorkflowDefinition::enabled, WorkflowDefinition::trigger)
        .containsExactly(
            tuple("checkout-purchase", true, "checkout.session.completed"),
            tuple("checkout-async-purchase", true, "checkout.session.async_payment_succeeded"),
            tuple("subscription-purchase", false, "customer.subscription.created"),
            tuple("first-invoice-failed-returned", false, "invoice.payment_failed"),
            tuple("full-refund-returned", false, "charge.refunded"));
    assertThat(workflow.definitions().subList(0, 2)).isEqualTo(Workflow.defaults().definitions());
  }

  @Test
  void a_missing_file_is_a_config_problem_naming_it() {
    assertThatThrownBy(() -> WorkflowFile.load(Path.of("examples/no-such-file.yaml")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith("--config examples/no-such-file.yaml: cannot be read"));
  }

  @Test
  void built_in_workflows_are_the_two_checkout_purchases_and_need_no_file() {
    assertThat(Workflow.defaults().definitions())
        .extracting(
            WorkflowDefinition::name, WorkflowDefinition::enabled, WorkflowDefinition::action)
        .containsExactly(
            tuple("checkout-purchase", true, Action.CREATE_PURCHASE),
            tuple("checkout-async-purchase", true, Action.CREATE_PURCHASE));
  }

  @Test
  void a_field_path_written_as_text_is_a_field_source_and_a_single_map_is_a_list_of_one() {
    Workflow shorthand =
        WorkflowFile.parse(
            signup(
                """
            trigger: customer.created
            action: sign_up_contact
            params:
              email: email
              first_name: {field: name, transform: first_name}
            """),
            "test.yaml");
    Workflow longhand =
        WorkflowFile.parse(
            signup(
                """
            trigger: customer.created
            action: sign_up_contact
            params:
              email: [{field: email}]
              first_name: [{field: name, transform: first_name}]
            """),
            "test.yaml");

    assertThat(shorthand.definitions()).isEqualTo(longhand.definitions());
    assertThat(shorthand.named("signup").orElseThrow().params())
        .containsExactly(
            new ParamMapping(
                "email", List.of(new Source.Field(FieldPath.parse("email"), Transform.NONE)), true),
            new ParamMapping(
                "first_name",
                List.of(new Source.Field(FieldPath.parse("name"), Transform.FIRST_NAME)),
                true));
  }

  @Test
  void dedupe_key_defaults_to_one_call_per_event_and_enabled_to_true() {
    WorkflowDefinition d =
        WorkflowFile.parse(signup(VALID.replace("dedupe_key: \"signup:{id}\"\n", "")), "test.yaml")
            .named("signup")
            .orElseThrow();

    assertThat(d.dedupeKey()).isEqualTo(DedupeKey.parse("signup:{$event.id}"));
    assertThat(d.enabled()).isTrue();
  }
}
