package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcMethod;
import candybridge.stripe.StripeEvent;
import candybridge.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The exact plan for every captured Stripe event in {@code src/test/resources/stripe/}. */
class WorkflowFixtureTest {
  private static final String CARD_SESSION =
      "cs_test_a1Q7mZr4Kx2LwT9bVn3Yc8Hd5Fj0Ps6Ue1Gk4Ri7Ao2Sl9Nq3Bt5Xv8Wy0Zc";
  private static final String KONBINI_SESSION =
      "cs_test_b1Kp3Rt6Yw9Zq2Xs5Cv8Bn1Mm4Lk7Jh0Gf3Ds6Aa9Pp2Oo5Ii8Uu1Yy4Tt7Rr";

  /** {@code created} of checkout.session.completed.async-unpaid-jpy.json. */
  private static final long KONBINI_COMPLETED_AT = 1_789_470_420L;

  private final Workflow workflow = Workflow.defaults();

  @Test
  void paid_card_session_becomes_one_purchase_with_every_mapped_parameter() {
    Plan plan = plan("stripe/checkout.session.completed.json", OptionalLong.empty());

    RcCall expected =
        RcCall.of(
            RcMethod.PURCHASE,
            Map.of(
                "email", "jenny.rosen@example.com",
                "first_name", "Jenny",
                "last_name", "Rosen",
                "invoice_amount", "30.00",
                "currency_code", "USD",
                "order_timestamp", "1789466652",
                "external_reference_id", CARD_SESSION,
                "accepts_marketing", "false"));
    assertThat(plan).isEqualTo(purchase("checkout-purchase", CARD_SESSION, expected));
  }

  @Test
  void paid_card_session_needs_no_lookup_even_with_a_stripe_api_key() {
    Plan withKey =
        workflow.plan(
            EventView.of(Fixtures.event("stripe/checkout.session.completed.json")),
            Lookups.atIngest(true));

    assertThat(withKey)
        .isEqualTo(plan("stripe/checkout.session.completed.json", OptionalLong.empty()));
  }

  @Test
  void unpaid_konbini_session_waits_for_the_async_payment() {
    Plan plan =
        plan("stripe/checkout.session.completed.async-unpaid-jpy.json", OptionalLong.empty());

    String reason = "filter not met: payment_status is 'unpaid', expected equals 'paid'";
    assertThat(plan)
        .isEqualTo(
            new Plan(
                List.of(),
                List.of(new Decision("checkout-purchase", false, reason)),
                "checkout-purchase: " + reason));
  }

  @Test
  void async_payment_success_becomes_the_yen_purchase_dated_at_completion() {
    Plan plan =
        plan(
            "stripe/checkout.session.async_payment_succeeded.json",
            OptionalLong.of(KONBINI_COMPLETED_AT));

    assertThat(plan).isEqualTo(konbiniPurchase(KONBINI_COMPLETED_AT));
  }

  @Test
  void async_payment_success_without_a_stored_completion_is_dated_at_its_own_creation() {
    Plan plan = plan("stripe/checkout.session.async_payment_succeeded.json", OptionalLong.empty());

    assertThat(plan).isEqualTo(konbiniPurchase(1_789_614_940L));
  }

  @Test
  void completion_and_async_success_of_one_session_share_the_dedupe_key() {
    StripeEvent completed =
        SessionEvent.from(Fixtures.read("stripe/checkout.session.completed.async-unpaid-jpy.json"))
            .with("payment_status", "paid")
            .build();
    Plan fromCompletion = workflow.plan(EventView.of(completed), Lookups.atIngest(false));
    Plan fromAsync =
        plan(
            "stripe/checkout.session.async_payment_succeeded.json",
            OptionalLong.of(completed.created()));

    assertThat(fromCompletion.deliveries())
        .singleElement()
        .satisfies(
            fromCompletionDelivery ->
                assertThat(fromAsync.deliveries())
                    .singleElement()
                    .satisfies(
                        fromAsyncDelivery -> {
                          assertThat(fromCompletionDelivery.workflow())
                              .isEqualTo("checkout-purchase");
                          assertThat(fromAsyncDelivery.workflow())
                              .isEqualTo("checkout-async-purchase");
                          assertThat(fromAsyncDelivery.dedupeKey())
                              .isEqualTo(fromCompletionDelivery.dedupeKey())
                              .isEqualTo("purchase:" + KONBINI_SESSION);
                          assertThat(fromAsyncDelivery.call())
                              .isEqualTo(fromCompletionDelivery.call());
                        }));
  }

  @Test
  void async_payment_failure_plans_nothing() {
    Plan plan = plan("stripe/checkout.session.async_payment_failed.json", OptionalLong.empty());

    assertThat(plan)
        .isEqualTo(
            Plan.nothing("no workflow configured for checkout.session.async_payment_failed"));
  }

  @Test
  void failed_invoice_payment_has_no_workflow_yet() {
    assertThat(plan("stripe/invoice.payment_failed.json", OptionalLong.empty()))
        .isEqualTo(Plan.nothing("no workflow configured for invoice.payment_failed"));
  }

  @Test
  void created_subscription_has_no_workflow_yet() {
    assertThat(plan("stripe/customer.subscription.created.json", OptionalLong.empty()))
        .isEqualTo(Plan.nothing("no workflow configured for customer.subscription.created"));
  }

  @Test
  void every_fixture_event_type_is_handled() {
    assertThat(
            List.of(
                "checkout.session.completed.json",
                "checkout.session.completed.async-unpaid-jpy.json",
                "checkout.session.async_payment_succeeded.json",
                "checkout.session.async_payment_failed.json",
                "invoice.payment_failed.json",
                "customer.subscription.created.json"))
        .allSatisfy(
            file -> assertThat(workflow.handles(Fixtures.event("stripe/" + file).type())).isTrue());
  }

  private Plan plan(String resourcePath, OptionalLong sessionCompletedAt) {
    Plan plan =
        workflow.plan(
            new EventView(Fixtures.event(resourcePath), () -> sessionCompletedAt),
            Lookups.atIngest(false));
    SessionEvent.assertNoEmailIn(plan);
    return plan;
  }

  private static Plan konbiniPurchase(long orderTimestamp) {
    RcCall expected =
        RcCall.of(
            RcMethod.PURCHASE,
            Map.of(
                "email", "taro.yamada@example.com",
                "first_name", "Yamada",
                "last_name", "Taro",
                "invoice_amount", "5000",
                "currency_code", "JPY",
                "order_timestamp", Long.toString(orderTimestamp),
                "external_reference_id", KONBINI_SESSION,
                "accepts_marketing", "false",
                "locale", "ja"));
    return purchase("checkout-async-purchase", KONBINI_SESSION, expected);
  }

  private static Plan purchase(String workflowName, String session, RcCall expected) {
    String key = "purchase:" + session;
    String reason = "create_purchase planned as " + key;
    return new Plan(
        List.of(PlannedDelivery.ready(workflowName, key, expected)),
        List.of(new Decision(workflowName, true, reason)),
        workflowName + ": " + reason);
  }
}
