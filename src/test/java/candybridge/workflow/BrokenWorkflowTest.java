package candybridge.workflow;

import static candybridge.workflow.SignupWorkflowYaml.VALID;
import static candybridge.workflow.SignupWorkflowYaml.signup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import candybridge.config.ConfigException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A mistake inside one workflow is reported with the workflow's name and the field it is in. */
class BrokenWorkflowTest {
  private static final String AT = "test.yaml: workflow 'signup', field ";

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
}
