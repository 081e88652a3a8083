package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcMethod;
import candybridge.stripe.StripeEvent;
import candybridge.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** "Try it": every workflow of the example file says what it would do with each fixture event. */
class DryRunTest {
  private static final Workflow EXAMPLES = WorkflowFile.load(Path.of("examples/workflows.yaml"));
  private static final String CARD_SESSION =
      "cs_test_a1Q7mZr4Kx2LwT9bVn3Yc8Hd5Fj0Ps6Ue1Gk4Ri7Ao2Sl9Nq3Bt5Xv8Wy0Zc";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "checkout.session.completed.json",
        "checkout.session.completed.async-unpaid-jpy.json",
        "checkout.session.async_payment_succeeded.json",
        "checkout.session.async_payment_failed.json",
        "invoice.payment_failed.json",
        "customer.subscription.created.json"
      })
  void every_workflow_has_an_entry_saying_why_it_does_or_does_not_match(String fixture)
      throws Exception {
    StripeEvent event = Fixtures.event("stripe/" + fixture);

    List<DryRun.Entry> entries = DryRun.of(EXAMPLES, EventView.of(event), Lookups.atIngest(false));

    assertThat(entries)
        .extracting(DryRun.Entry::workflow)
        .containsExactlyElementsOf(
            EXAMPLES.definitions().stream().map(WorkflowDefinition::name).toList());
    for (WorkflowDefinition d : EXAMPLES.definitions()) {
      DryRun.Entry entry = entries.get(EXAMPLES.definitions().indexOf(d));
      if (!d.trigger().equals(event.type())) {
        assertThat(entry.reason()).isEqualTo("trigger is " + d.trigger() + ", not " + event.type());
        assertThat(entry.matched()).isFalse();
      } else if (!d.enabled()) {
        assertThat(entry.reason()).isEqualTo("disabled (enabled: false)");
        assertThat(entry.matched()).isFalse();
      }
      if (!entry.matched()) {
        assertThat(entry.call()).isEmpty();
        assertThat(entry.dedupeKey()).isEmpty();
        assertThat(entry.blockedReason()).isEmpty();
        assertThat(entry.needsLookup()).isFalse();
      }
      assertThat(entry.reason()).doesNotContain("@");
      assertThat(entry.blockedReason().orElse("")).doesNotContain("@");
    }
  }

  @Test
  void checkout_fixture_entry_has_the_exact_purchase_call() throws Exception {
    List<DryRun.Entry> entries =
        DryRun.of(
            EXAMPLES,
            EventView.of(Fixtures.event("stripe/checkout.session.completed.json")),
            Lookups.atIngest(false));

    assertThat(entries.get(0))
        .isEqualTo(
            new DryRun.Entry(
                "checkout-purchase",
                true,
                "create_purchase",
                Optional.of("purchase:" + CARD_SESSION),
                Optional.of(
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
                            "accepts_marketing", "false"))),
                Optional.empty(),
                false));
  }

  @Test
  void dry_run_entries_of_the_checkout_fixture_in_order() throws Exception {
    List<DryRun.Entry> entries =
        DryRun.of(
            EXAMPLES,
            EventView.of(Fixtures.event("stripe/checkout.session.completed.json")),
            Lookups.atIngest(false));

    assertThat(entries)
        .extracting(DryRun.Entry::workflow, DryRun.Entry::matched, DryRun.Entry::reason)
        .containsExactly(
            tuple("checkout-purchase", true, "create_purchase"),
            tuple(
                "checkout-async-purchase",
                false,
                "trigger is checkout.session.async_payment_succeeded, not checkout.session.completed"),
            tuple(
                "subscription-purchase",
                false,
                "trigger is customer.subscription.created, not checkout.session.completed"),
            tuple(
                "first-invoice-failed-returned",
                false,
                "trigger is invoice.payment_failed, not checkout.session.completed"),
            tuple(
                "full-refund-returned",
                false,
                "trigger is charge.refunded, not checkout.session.completed"));
  }

  @Test
  void dry_run_of_the_checkout_fixture_matches_what_is_planned() throws Exception {
    EventView view = EventView.of(Fixtures.event("stripe/checkout.session.completed.json"));

    DryRun.Entry entry = DryRun.of(Workflow.defaults(), view, Lookups.atIngest(false)).get(0);
    PlannedDelivery planned =
        Workflow.defaults().plan(view, Lookups.atIngest(false)).deliveries().get(0);

    assertThat(entry.call()).contains(planned.call());
    assertThat(entry.dedupeKey()).contains(planned.dedupeKey());
  }

  @Test
  void disabled_workflow_of_the_fixture_trigger_says_it_is_disabled() throws Exception {
    List<DryRun.Entry> entries =
        DryRun.of(
            EXAMPLES,
            EventView.of(Fixtures.event("stripe/customer.subscription.created.json")),
            Lookups.atIngest(true));

    assertThat(entries)
        .filteredOn(e -> e.workflow().equals("subscription-purchase"))
        .singleElement()
        .isEqualTo(
            new DryRun.Entry(
                "subscription-purchase",
                false,
                "disabled (enabled: false)",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                false));
  }

  @Test
  void unpaid_session_entry_says_which_filter_failed() throws Exception {
    List<DryRun.Entry> entries =
        DryRun.of(
            Workflow.defaults(),
            EventView.of(Fixtures.event("stripe/checkout.session.completed.async-unpaid-jpy.json")),
            Lookups.atIngest(false));

    assertThat(entries)
        .extracting(DryRun.Entry::workflow, DryRun.Entry::matched, DryRun.Entry::reason)
        .containsExactly(
            tuple(
                "checkout-purchase",
                false,
                "filter not met: payment_status is 'unpaid', expected equals 'paid'"),
            tuple(
                "checkout-async-purchase",
                false,
                "trigger is checkout.session.async_payment_succeeded, not checkout.session.completed"));
  }

  @Test
  void entry_needing_a_lookup_says_so_at_ingest_and_blocked_entry_says_why() throws Exception {
    EventView view =
        EventView.of(
            SessionEvent.paid()
                .with("customer_details.email", null)
                .with("customer", "cus_1")
                .build());

    DryRun.Entry withKey = DryRun.of(Workflow.defaults(), view, Lookups.atIngest(true)).get(0);
    DryRun.Entry withoutKey = DryRun.of(Workflow.defaults(), view, Lookups.atIngest(false)).get(0);

    assertThat(withKey.matched()).isTrue();
    assertThat(withKey.needsLookup()).isTrue();
    assertThat(withKey.blockedReason()).isEmpty();
    assertThat(withoutKey.needsLookup()).isFalse();
    assertThat(withoutKey.blockedReason())
        .contains(
            "email has no value (tried customer_details.email, customer_email, Stripe"
                + " customer.email of customer; no STRIPE_API_KEY configured for the customer.email"
                + " lookup)");
  }
}
