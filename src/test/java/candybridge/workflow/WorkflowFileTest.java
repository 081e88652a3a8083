package candybridge.workflow;

import static candybridge.workflow.SignupWorkflowYaml.VALID;
import static candybridge.workflow.SignupWorkflowYaml.signup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reading valid workflow files: the built-in workflows kept, replaced or replaced one by one, the
 * shorthand forms and the defaults.
 */
class WorkflowFileTest {
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
