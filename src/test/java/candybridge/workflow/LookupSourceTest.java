package candybridge.workflow;

import static candybridge.workflow.SubscriptionEvent.subscription;
import static candybridge.workflow.SubscriptionEvent.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcMethod;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Parameter values from Stripe lookups: deferred at ingest and run by {@link Workflow#complete}
 * before sending; skipped without an API key or an object id, so the next source is used.
 */
class LookupSourceTest {
  /** A sign-up whose e-mail and name come from the Customer first, then from the metadata. */
  private static final Workflow LOOKUP_FIRST =
      WorkflowFile.parse(
          """
          default_workflows: replace
          workflows:
            - name: lookup-first
              trigger: customer.subscription.created
              action: sign_up_contact
              dedupe_key: "signup:{id}"
              params:
                email:
                  - lookup: customer.email
                    id: customer
                  - field: metadata.email
                first_name:
                  - lookup: customer.name
                    id: customer
                    transform: first_name
                  - param: email
                    transform: email_local_part
                last_name:
                  lookup: customer.name
                  id: customer
                  transform: last_name
          """,
          "test.yaml");

  private static final String KEY = "signup:sub_1";

  @Test
  void lookup_as_first_source_with_a_value_is_deferred_at_ingest_with_an_api_key() {
    Plan plan =
        LOOKUP_FIRST.plan(
            view(subscription("cus_1", "meta+x@example.com")), Lookups.atIngest(true));

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.workflow()).isEqualTo("lookup-first");
              assertThat(d.dedupeKey()).isEqualTo(KEY);
              assertThat(d.needsLookup()).isTrue();
              assertThat(d.blockedReason()).isEmpty();
              assertThat(d.call().method()).isEqualTo(RcMethod.SIGNUP);
            });
    assertThat(plan.decisions())
        .containsExactly(
            new Decision(
                "lookup-first",
                true,
                "sign_up_contact planned as "
                    + KEY
                    + ", completed from Stripe's API before sending"));
  }

  @Test
  void lookup_is_skipped_without_an_api_key_and_the_next_source_is_used() {
    Plan plan =
        LOOKUP_FIRST.plan(
            view(subscription("cus_1", "meta+x@example.com")), Lookups.atIngest(false));

    assertThat(plan.deliveries())
        .containsExactly(
            PlannedDelivery.ready(
                "lookup-first",
                KEY,
                RcCall.of(
                    RcMethod.SIGNUP, Map.of("email", "meta+x@example.com", "first_name", "meta"))));
  }

  @Test
  void lookup_without_an_api_key_and_no_other_source_blocks_naming_the_missing_key() {
    Plan plan = LOOKUP_FIRST.plan(view(subscription("cus_1", null)), Lookups.atIngest(false));

    String reason =
        "email has no value (tried Stripe customer.email of customer, metadata.email; no"
            + " STRIPE_API_KEY configured for the customer.email lookup); first_name has no value"
            + " (tried Stripe customer.name of customer, parameter email; no STRIPE_API_KEY"
            + " configured for the customer.name lookup); nothing was sent";
    assertThat(plan.deliveries())
        .containsExactly(
            PlannedDelivery.blocked(
                "lookup-first", KEY, RcCall.of(RcMethod.SIGNUP, Map.of()), reason));
    assertThat(plan.summary())
        .isEqualTo("lookup-first: sign_up_contact " + KEY + " blocked: " + reason)
        .doesNotContain("@");
  }

  @Test
  void lookup_without_an_object_id_is_skipped_even_with_an_api_key() {
    Plan plan =
        LOOKUP_FIRST.plan(view(subscription(null, "meta@example.com")), Lookups.atIngest(true));

    assertThat(plan.deliveries())
        .containsExactly(
            PlannedDelivery.ready(
                "lookup-first",
                KEY,
                RcCall.of(
                    RcMethod.SIGNUP, Map.of("email", "meta@example.com", "first_name", "meta"))));
  }

  @Test
  void completion_with_live_lookups_gives_the_complete_call() throws Exception {
    FakeLookups stripe =
        new FakeLookups()
            .with(Lookups.Kind.CUSTOMER_EMAIL, "cus_1", "jenny.rosen@example.com")
            .with(Lookups.Kind.CUSTOMER_NAME, "cus_1", " Jenny  Rosen ");

    Workflow.Completion completion =
        LOOKUP_FIRST.complete(
            "lookup-first", view(subscription("cus_1", "meta@example.com")), stripe);

    assertThat(completion)
        .isEqualTo(
            new Workflow.Completion(
                RcCall.of(
                    RcMethod.SIGNUP,
                    Map.of(
                        "email", "jenny.rosen@example.com",
                        "first_name", "Jenny",
                        "last_name", "Rosen")),
                Optional.empty()));
    assertThat(stripe.asked).containsOnly("customer.email cus_1", "customer.name cus_1");
  }

  @Test
  void lookup_that_finds_nothing_falls_through_to_the_next_source() throws Exception {
    Workflow.Completion completion =
        LOOKUP_FIRST.complete(
            "lookup-first", view(subscription("cus_1", "meta+x@example.com")), new FakeLookups());

    assertThat(completion)
        .isEqualTo(
            new Workflow.Completion(
                RcCall.of(
                    RcMethod.SIGNUP, Map.of("email", "meta+x@example.com", "first_name", "meta")),
                Optional.empty()));
  }

  @Test
  void completion_without_any_value_is_blocked_with_the_reason() throws Exception {
    Workflow.Completion completion =
        LOOKUP_FIRST.complete("lookup-first", view(subscription("cus_1", null)), new FakeLookups());

    assertThat(completion.blockedReason())
        .contains(
            "email has no value (tried Stripe customer.email of customer, metadata.email);"
                + " first_name has no value (tried Stripe customer.name of customer, parameter"
                + " email); nothing was sent");
  }

  @Test
  void stripe_being_unavailable_propagates_from_completion() {
    Lookups.UnavailableException down =
        new Lookups.UnavailableException("Stripe answered 503", new IOException("503"));
    FakeLookups stripe = new FakeLookups().failingWith(down);

    assertThatThrownBy(
            () -> LOOKUP_FIRST.complete("lookup-first", view(subscription("cus_1", null)), stripe))
        .isSameAs(down);
    assertThatThrownBy(() -> DryRun.of(LOOKUP_FIRST, view(subscription("cus_1", null)), stripe))
        .isSameAs(down);
  }

  @Test
  void completion_of_a_workflow_no_longer_configured_is_blocked() throws Exception {
    Workflow.Completion completion =
        LOOKUP_FIRST.complete("gone", view(subscription("cus_1", null)), new FakeLookups());

    assertThat(completion.blockedReason())
        .contains("workflow 'gone' is no longer configured; nothing was sent");
  }

  @Test
  void deferred_checkout_purchase_is_completed_into_the_exact_purchase() throws Exception {
    EventView session =
        view(
            SessionEvent.paid()
                .with("customer_details.email", null)
                .with("customer", "cus_1")
                .withJson("discounts", "[{\"coupon\": null, \"promotion_code\": \"promo_1\"}]")
                .build());
    FakeLookups stripe =
        new FakeLookups()
            .with(Lookups.Kind.CUSTOMER_EMAIL, "cus_1", "jenny+shop@example.com")
            .with(Lookups.Kind.PROMOTION_CODE, "promo_1", "SPRING10");

    Plan plan = Workflow.defaults().plan(session, Lookups.atIngest(true));
    Workflow.Completion completion =
        Workflow.defaults().complete(plan.deliveries().get(0).workflow(), session, stripe);

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(d -> assertThat(d.needsLookup()).isTrue());
    assertThat(completion)
        .isEqualTo(
            new Workflow.Completion(
                RcCall.of(
                    RcMethod.PURCHASE,
                    Map.of(
                        "email", "jenny+shop@example.com",
                        "first_name", "Jenny",
                        "last_name", "Rosen",
                        "invoice_amount", "30.00",
                        "currency_code", "USD",
                        "order_timestamp", Long.toString(SessionEvent.CREATED),
                        "external_reference_id", SessionEvent.SESSION_ID,
                        "accepts_marketing", "false",
                        "discount_code", "SPRING10")),
                Optional.empty()));
  }
}
