package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcMethod;
import candybridge.stripe.StripeEvent;
import candybridge.testing.Fixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Where parameter values come from: event fields, earlier parameters, and Stripe lookups, which are
 * deferred at ingest and run by {@link Workflow#complete} before sending.
 */
class MapperTest {
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

  private static EventView view(StripeEvent event) {
    return new EventView(event, OptionalLong::empty);
  }

  private static StripeEvent subscription(String customer, String metadataEmail) {
    return Fixtures.parse(subscriptionJson(customer, metadataEmail));
  }

  private static String subscriptionJson(String customer, String metadataEmail) {
    return """
        {"id": "evt_sub", "type": "customer.subscription.created", "created": 1789110002,
         "api_version": "2026-07-29.dahlia",
         "data": {"object": {"id": "sub_1", "object": "subscription", "currency": "usd",
           "customer": %s, "metadata": {%s}}}}
        """
        .formatted(
            customer == null ? "null" : "\"" + customer + "\"",
            metadataEmail == null ? "" : "\"email\": \"" + metadataEmail + "\"");
  }

  /** Stripe's API as a table of answers; records what it was asked. */
  static final class FakeLookups implements Lookups {
    private final Map<String, String> answers = new HashMap<>();
    final List<String> asked = new ArrayList<>();
    private UnavailableException failure;

    FakeLookups with(Kind kind, String id, String value) {
      answers.put(kind.key() + " " + id, value);
      return this;
    }

    FakeLookups failingWith(UnavailableException e) {
      failure = e;
      return this;
    }

    @Override
    public Optional<String> find(Kind kind, String id) throws UnavailableException {
      asked.add(kind.key() + " " + id);
      if (failure != null) {
        throw failure;
      }
      return Optional.ofNullable(answers.get(kind.key() + " " + id));
    }

    @Override
    public boolean available() {
      return true;
    }

    @Override
    public boolean deferred() {
      return false;
    }
  }
}
