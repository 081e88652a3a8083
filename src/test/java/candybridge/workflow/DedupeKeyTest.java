package candybridge.workflow;

import static candybridge.workflow.SubscriptionEvent.subscription;
import static candybridge.workflow.SubscriptionEvent.subscriptionJson;
import static candybridge.workflow.SubscriptionEvent.view;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A workflow's dedupe key is rendered from the event's fields; a missing field plans no delivery.
 */
class DedupeKeyTest {
  @Test
  void dedupe_key_with_a_missing_field_matches_nothing_and_plans_no_delivery() {
    Workflow workflow =
        WorkflowFile.parse(
            """
            default_workflows: replace
            workflows:
              - name: by-order
                trigger: customer.subscription.created
                action: sign_up_contact
                dedupe_key: "signup:{metadata.order_id}:{id}"
                params: {email: metadata.email, first_name: {value: Friend}}
            """,
            "test.yaml");

    Plan plan =
        workflow.plan(view(subscription(null, "jenny@example.com")), Lookups.atIngest(false));

    assertThat(plan)
        .isEqualTo(
            new Plan(
                List.of(),
                List.of(
                    new Decision(
                        "by-order", false, "no dedupe key: field metadata.order_id is missing")),
                "by-order: no dedupe key: field metadata.order_id is missing"));
  }

  @Test
  void dedupe_key_renders_every_placeholder() {
    Workflow workflow =
        WorkflowFile.parse(
            """
            default_workflows: replace
            workflows:
              - name: by-order
                trigger: customer.subscription.created
                action: sign_up_contact
                dedupe_key: "signup:{metadata.order_id}:{id}:{$event.id}"
                params: {email: metadata.email, first_name: {value: Friend}}
            """,
            "test.yaml");
    EventView view =
        view(
            Fixtures.parse(
                subscriptionJson(null, "jenny@example.com")
                    .replace("\"metadata\": {", "\"metadata\": {\"order_id\": \"ord_7\", ")));

    assertThat(workflow.plan(view, Lookups.atIngest(false)).deliveries())
        .singleElement()
        .satisfies(d -> assertThat(d.dedupeKey()).isEqualTo("signup:ord_7:sub_1:evt_sub"));
  }
}
