package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.stripe.StripeEvent;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which events lead to a purchase, and what the plan says when none does. */
class WorkflowEventTypeTest {
  private static final String KEY = "purchase:" + SessionEvent.SESSION_ID;

  /**
   * The built-in workflows with {@code no_payment_required} sessions purchased too: the built-in
   * checkout-purchase, replaced by one identical except for its filter.
   */
  static final Workflow PURCHASES_WITHOUT_PAYMENT =
      WorkflowFile.parse(
          """
          default_workflows: keep
          workflows:
            - name: checkout-purchase
              trigger: checkout.session.completed
              filter: [{field: payment_status, in: [paid, no_payment_required]}]
              action: create_purchase
              dedupe_key: "purchase:{id}"
              params:
                email:
                  - field: customer_details.email
                  - field: customer_email
                  - lookup: customer.email
                    id: customer
                first_name:
                  - field: customer_details.name
                    transform: first_name
                  - param: email
                    transform: email_local_part
                last_name:
                  - field: customer_details.name
                    transform: last_name
                invoice_amount:
                  field: amount_total
                  transform: major_units
                currency_code:
                  field: currency
                  transform: upper_case
                order_timestamp:
                  - field: $session.completed_at
                  - field: $event.created
                external_reference_id: id
                accepts_marketing:
                  - field: consent.promotions
                    transform: opt_in
                  - value: "false"
                locale:
                  field: locale
                  transform: rc_locale
                referrer_id:
                  - field: metadata.referrer_id
                  - field: metadata.aic
                browser_ip: metadata.browser_ip
                user_agent: metadata.user_agent
                discount_code:
                  lookup: promotion_code.code
                  id: discounts.0.promotion_code
          """,
          "test");

  private static final String PAID_OR_FREE =
      "checkout-purchase: filter not met: payment_status %s, expected in ['paid', 'no_payment_required']";

  @Test
  void the_free_session_workflow_differs_from_the_built_in_one_only_in_its_filter() {
    WorkflowDefinition builtIn = Workflow.defaults().named("checkout-purchase").orElseThrow();
    WorkflowDefinition replaced =
        PURCHASES_WITHOUT_PAYMENT.named("checkout-purchase").orElseThrow();

    assertThat(PURCHASES_WITHOUT_PAYMENT.definitions())
        .extracting(WorkflowDefinition::name)
        .containsExactly("checkout-purchase", "checkout-async-purchase");
    assertThat(replaced.filter()).isNotEqualTo(builtIn.filter());
    assertThat(
            new WorkflowDefinition(
                replaced.name(),
                replaced.enabled(),
                replaced.trigger(),
                builtIn.filter(),
                replaced.action(),
                replaced.dedupeKey(),
                replaced.params()))
        .isEqualTo(builtIn);
  }

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
    assertThat(Workflow.defaults().handles(type)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"checkout.session.expired", "charge.succeeded", "payment_intent.succeeded", ""})
  void ignores_other_event_types(String type) {
    assertThat(Workflow.defaults().handles(type)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"invoice.payment_failed", "customer.subscription.created", "charge.refunded"})
  void handled_types_without_a_workflow_plan_nothing(String type) {
    Plan plan = SessionEvent.paid().type(type).plan();

    assertThat(plan).isEqualTo(Plan.nothing("no workflow configured for " + type));
  }

  @Test
  void paid_completion_plans_the_purchase_dated_at_the_event() {
    Plan plan =
        Workflow.defaults()
            .plan(
                new EventView(SessionEvent.paid().build(), () -> OptionalLong.of(1_000_000_000L)),
                Lookups.atIngest(false));

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.workflow()).isEqualTo("checkout-purchase");
              assertThat(delivery.dedupeKey()).isEqualTo(KEY);
              assertThat(delivery.blockedReason()).isEmpty();
              assertThat(delivery.call().params())
                  .containsEntry("order_timestamp", Long.toString(SessionEvent.CREATED));
            });
    assertThat(plan.decisions())
        .containsExactly(
            new Decision("checkout-purchase", true, "create_purchase planned as " + KEY));
    assertThat(plan.summary()).isEqualTo("checkout-purchase: create_purchase planned as " + KEY);
  }

  @Test
  void unpaid_completion_waits_for_async_success() {
    Plan plan = SessionEvent.paid().with("payment_status", "unpaid").plan();

    assertThat(plan)
        .isEqualTo(
            new Plan(
                List.of(),
                List.of(
                    new Decision(
                        "checkout-purchase",
                        false,
                        "filter not met: payment_status is 'unpaid', expected equals 'paid'")),
                "checkout-purchase: filter not met: payment_status is 'unpaid', expected equals"
                    + " 'paid'"));
  }

  @Test
  void unpaid_completion_waits_for_async_success_also_when_free_sessions_are_purchased() {
    Plan plan =
        SessionEvent.paid().with("payment_status", "unpaid").plan(PURCHASES_WITHOUT_PAYMENT);

    assertThat(plan.deliveries()).isEmpty();
    assertThat(plan.summary()).isEqualTo(PAID_OR_FREE.formatted("is 'unpaid'"));
  }

  @Test
  void completion_without_payment_is_skipped_by_default() {
    Plan plan =
        SessionEvent.paid()
            .with("payment_status", "no_payment_required")
            .with("amount_total", 0L)
            .plan();

    assertThat(plan.deliveries()).isEmpty();
    assertThat(plan.summary())
        .isEqualTo(
            "checkout-purchase: filter not met: payment_status is 'no_payment_required', expected"
                + " equals 'paid'");
  }

  @Test
  void completion_without_payment_is_a_zero_purchase_when_enabled() {
    Plan plan =
        SessionEvent.paid()
            .with("payment_status", "no_payment_required")
            .with("amount_total", 0L)
            .plan(PURCHASES_WITHOUT_PAYMENT);

    assertThat(plan.summary()).isEqualTo("checkout-purchase: create_purchase planned as " + KEY);
    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.workflow()).isEqualTo("checkout-purchase");
              assertThat(delivery.dedupeKey()).isEqualTo(KEY);
              assertThat(delivery.blockedReason()).isEmpty();
              assertThat(delivery.call().params()).containsEntry("invoice_amount", "0.00");
            });
  }

  @Test
  void paid_completion_is_the_same_purchase_when_free_sessions_are_purchased_too() {
    assertThat(SessionEvent.paid().plan(PURCHASES_WITHOUT_PAYMENT).deliveries())
        .isEqualTo(SessionEvent.paid().plan().deliveries());
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "NULL",
      value = {"refunded, is 'refunded'", "NULL, is missing", "'  ', is (a value not shown)"})
  void completion_with_another_payment_status_plans_nothing(String status, String outcome) {
    Plan plan = SessionEvent.paid().with("payment_status", status).plan(PURCHASES_WITHOUT_PAYMENT);

    assertThat(plan.deliveries()).isEmpty();
    assertThat(plan.decisions()).extracting(Decision::matched).containsExactly(false);
    assertThat(plan.summary()).isEqualTo(PAID_OR_FREE.formatted(outcome));
  }

  @Test
  void completion_from_an_api_version_without_payment_status_plans_nothing() {
    Plan plan = SessionEvent.paid().without("payment_status").plan(PURCHASES_WITHOUT_PAYMENT);

    assertThat(plan.deliveries()).isEmpty();
    assertThat(plan.summary()).isEqualTo(PAID_OR_FREE.formatted("is missing"));
  }

  @Test
  void async_success_is_a_purchase_whatever_its_payment_status_field_says() {
    StripeEvent event =
        SessionEvent.paid()
            .type("checkout.session.async_payment_succeeded")
            .without("payment_status")
            .created(1_789_999_999L)
            .build();

    Plan plan =
        Workflow.defaults()
            .plan(
                new EventView(event, () -> OptionalLong.of(1_789_466_000L)),
                Lookups.atIngest(false));

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.workflow()).isEqualTo("checkout-async-purchase");
              assertThat(delivery.dedupeKey()).isEqualTo(KEY);
              assertThat(delivery.blockedReason()).isEmpty();
              assertThat(delivery.call().params()).containsEntry("order_timestamp", "1789466000");
            });
  }

  @Test
  void async_failure_plans_nothing() {
    Plan plan =
        SessionEvent.paid()
            .type("checkout.session.async_payment_failed")
            .with("payment_status", "unpaid")
            .plan(PURCHASES_WITHOUT_PAYMENT);

    assertThat(plan)
        .isEqualTo(
            Plan.nothing("no workflow configured for checkout.session.async_payment_failed"));
  }

  @Test
  void paid_session_without_an_id_plans_nothing_rather_than_a_shared_dedupe_key() {
    Plan plan = SessionEvent.paid().without("id").plan();

    assertThat(plan)
        .isEqualTo(
            new Plan(
                List.of(),
                List.of(
                    new Decision("checkout-purchase", false, "no dedupe key: field id is missing")),
                "checkout-purchase: no dedupe key: field id is missing"));
  }

  @Test
  void unknown_event_type_plans_nothing() {
    Plan plan = SessionEvent.paid().type("charge.succeeded").plan(PURCHASES_WITHOUT_PAYMENT);

    assertThat(plan).isEqualTo(Plan.nothing("no workflow configured for charge.succeeded"));
  }
}
