package candybridge.workflow;

import static candybridge.workflow.SubscriptionEvent.subscription;
import static candybridge.workflow.SubscriptionEvent.view;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A {@code param} source takes the value of a parameter mapped above it. */
class ParamSourceTest {
  @Test
  void param_sources_see_the_parameters_mapped_above_them() {
    Workflow workflow =
        WorkflowFile.parse(
            """
            default_workflows: replace
            workflows:
              - name: chained
                trigger: customer.subscription.created
                action: sign_up_contact
                params:
                  email: metadata.email
                  first_name: {param: email, transform: email_local_part}
                  last_name:
                    - {param: first_name, transform: upper_case}
            """,
            "test.yaml");

    Plan plan =
        workflow.plan(view(subscription(null, "jenny+x@example.com")), Lookups.atIngest(false));

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.call().params())
                    .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                            "email", "jenny+x@example.com",
                            "first_name", "jenny",
                            "last_name", "JENNY")));
  }

  @Test
  void param_source_of_a_parameter_without_value_is_no_value() {
    Workflow workflow =
        WorkflowFile.parse(
            """
            default_workflows: replace
            workflows:
              - name: chained
                trigger: customer.subscription.created
                action: sign_up_contact
                params:
                  email: metadata.email
                  last_name: metadata.surname
                  first_name:
                    - {param: last_name}
                    - {value: Friend}
            """,
            "test.yaml");

    Plan plan =
        workflow.plan(view(subscription(null, "jenny@example.com")), Lookups.atIngest(false));

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.call().params())
                    .containsExactlyInAnyOrderEntriesOf(
                        Map.of("email", "jenny@example.com", "first_name", "Friend")));
  }
}
