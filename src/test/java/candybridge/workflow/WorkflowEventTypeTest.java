package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.stripe.StripeEvent;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which events lead to a purchase, and what the plan says when none does. */
class WorkflowEventTypeTest {
  private static final String SESSION = "checkout session " + SessionEvent.SESSION_ID;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "invoice.payment_failed",
        "customer.subscription.created",
        "charge.refunded"
      })
  void stores_the_event_types_it_has_or_will_have_workflows_for(String type) {
    assertThat(new Workflow(false).handles(type)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"checkout.session.expired", "charge.succeeded", "payment_intent.succeeded", ""})
  void ignores_other_event_types(String type) {
    assertThat(new Workflow(false).handles(type)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"invoice.payment_failed", "customer.subscription.created", "charge.refunded"})
  void handled_types_without_a_workflow_plan_nothing(String type) {
    Plan plan = plan(new Workflow(false), SessionEvent.paid().type(type).build());

    assertThat(plan).isEqualTo(Plan.nothing("no workflow configured for " + type));
  }

  @Test
  void paid_completion_plans_the_purchase_dated_at_the_event() {
    Plan plan =
        new Workflow(false).plan(SessionEvent.paid().build(), OptionalLong.of(1_000_000_000L));

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.dedupeKey()).isEqualTo("purchase:" + SessionEvent.SESSION_ID);
              assertThat(delivery.blockedReason()).isEmpty();
              assertThat(delivery.call().params())
                  .containsEntry("order_timestamp", Long.toString(SessionEvent.CREATED));
            });
    assertThat(plan.summary()).isEqualTo("purchase planned for " + SESSION);
  }

  @Test
  void unpaid_completion_waits_for_async_success() {
    Plan plan =
        plan(new Workflow(true), SessionEvent.paid().with("payment_status", "unpaid").build());

    assertThat(plan)
        .isEqualTo(
            Plan.nothing(
                SESSION
                    + " is unpaid: waiting for checkout.session.async_payment_succeeded before the"
                    + " purchase"));
  }

  @Test
  void completion_without_payment_is_skipped_by_default() {
    Plan plan =
        plan(
            new Workflow(false),
            SessionEvent.paid()
                .with("payment_status", "no_payment_required")
                .with("amount_total", 0L)
                .build());

    assertThat(plan)
        .isEqualTo(
            Plan.nothing(
                SESSION
                    + " needs no payment (no_payment_required): skipped, purchases without payment"
                    + " are not enabled"));
  }

  @Test
  void completion_without_payment_is_a_zero_purchase_when_enabled() {
    Plan plan =
        plan(
            new Workflow(true),
            SessionEvent.paid()
                .with("payment_status", "no_payment_required")
                .with("amount_total", 0L)
                .build());

    assertThat(plan.summary()).isEqualTo("purchase planned for " + SESSION);
    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.dedupeKey()).isEqualTo("purchase:" + SessionEvent.SESSION_ID);
              assertThat(delivery.blockedReason()).isEmpty();
              assertThat(delivery.call().params()).containsEntry("invoice_amount", "0.00");
            });
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "NULL",
      value = {
        "refunded, " + "has unknown payment_status refunded: no purchase",
        "NULL, has no payment_status: no purchase",
        "'  ', has no payment_status: no purchase"
      })
  void completion_with_another_payment_status_plans_nothing(String status, String outcome) {
    Plan plan =
        plan(new Workflow(true), SessionEvent.paid().with("payment_status", status).build());

    assertThat(plan).isEqualTo(Plan.nothing(SESSION + " " + outcome));
  }

  @Test
  void completion_from_an_api_version_without_payment_status_plans_nothing() {
    Plan plan = plan(new Workflow(true), SessionEvent.paid().without("payment_status").build());

    assertThat(plan).isEqualTo(Plan.nothing(SESSION + " has no payment_status: no purchase"));
  }

  @Test
  void async_success_is_a_purchase_whatever_its_payment_status_field_says() {
    StripeEvent event =
        SessionEvent.paid()
            .type("checkout.session.async_payment_succeeded")
            .without("payment_status")
            .created(1_789_999_999L)
            .build();

    Plan plan = new Workflow(false).plan(event, OptionalLong.of(1_789_466_000L));

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.dedupeKey()).isEqualTo("purchase:" + SessionEvent.SESSION_ID);
              assertThat(delivery.call().params()).containsEntry("order_timestamp", "1789466000");
            });
  }

  @Test
  void async_failure_plans_nothing() {
    Plan plan =
        plan(
            new Workflow(true),
            SessionEvent.paid()
                .type("checkout.session.async_payment_failed")
                .with("payment_status", "unpaid")
                .build());

    assertThat(plan)
        .isEqualTo(Plan.nothing("async payment failed for " + SESSION + ": no purchase"));
  }

  @Test
  void paid_session_without_an_id_plans_nothing_rather_than_a_shared_dedupe_key() {
    Plan plan = plan(new Workflow(false), SessionEvent.paid().without("id").build());

    assertThat(plan)
        .isEqualTo(
            Plan.nothing(
                "checkout.session.completed event evt_test_rule1 has no session id: no purchase"));
  }

  @Test
  void unknown_event_type_plans_nothing() {
    Plan plan = plan(new Workflow(true), SessionEvent.paid().type("charge.succeeded").build());

    assertThat(plan).isEqualTo(Plan.nothing("no workflow configured for charge.succeeded"));
  }

  private static Plan plan(Workflow workflow, StripeEvent event) {
    return workflow.plan(event, OptionalLong.empty());
  }
}
