package candybridge.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.config.Secret;
import candybridge.delivery.DeliveryStatus;
import candybridge.stripe.StripeJavaEvents;
import candybridge.testing.FakeStripeApiServer;
import candybridge.testing.RecordedCall;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.SyntheticEvents;
import candybridge.testing.TestApp;
import candybridge.workflow.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backfill end to end: the fake Stripe lists events in pages of 10, the production {@code App} runs
 * on a temp SQLite file (as {@code serve} would, alongside), the fake ReferralCandy counts
 * purchases. 26 events in the window: 3 pages.
 */
class BackfillTest {
  static final String KEY = "sk_test_51CandybridgeBackfillKey00000000000000000000";
  static final long NOW = 1_790_000_000L;
  static final Instant SINCE = Instant.ofEpochSecond(NOW - 48 * 3600);
  static final Instant UNTIL = Instant.ofEpochSecond(NOW);

  /** Asked explicitly so that an unhandled type is listed, and counted as ignored. */
  static final List<String> TYPES =
      List.of(
          "checkout.session.completed", "checkout.session.async_payment_succeeded",
          "invoice.payment_failed", "invoice.paid");

  @TempDir Path dir;
  TestApp t;
  FakeStripeApiServer stripe;
  Backfill backfill;
  final List<String> webhookBodies = new ArrayList<>();

  @BeforeEach
  void start() {
    t = TestApp.start(dir, NOW);
    stripe = FakeStripeApiServer.start(KEY).withEvents(events());
    Workflow workflow = Workflow.defaults();
    StripeIngest ingest =
        new StripeIngest(workflow, true, t.app.store(), t.clock, t.app.worker()::wake);
    backfill =
        new Backfill(
            new StripeJavaEvents(new Secret(KEY), stripe.apiBase(), Duration.ofSeconds(5), 10),
            ingest,
            workflow,
            t.clock);
  }

  @AfterEach
  void stop() {
    stripe.close();
    t.close();
  }

  /**
   * 20 paid checkouts (the first 5 also sent as webhooks), 3 failed invoices, 2 {@code
   * invoice.paid} (no workflow), a late async success for an already paid session, and one checkout
   * older than the window.
   */
  private List<String> events() {
    List<String> events = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String json =
          SyntheticEvents.checkoutCompleted("evt_co_" + i, "cs_bf_" + i, NOW - 3600L * (i + 1));
      events.add(json);
      if (i < 5) {
        webhookBodies.add(json);
      }
    }
    for (int i = 0; i < 3; i++) {
      events.add(
          SyntheticEvents.from(
              "stripe/invoice.payment_failed.json",
              "evt_inv_" + i,
              "in_" + i,
              NOW - 1800L - 7200L * i,
              null));
    }
    for (int i = 0; i < 2; i++) {
      events.add(
          SyntheticEvents.from(
              "stripe/invoice.payment_failed.json",
              "evt_paid_" + i,
              "in_paid_" + i,
              NOW - 900L - 3600L * i,
              "invoice.paid"));
    }
    events.add(
        SyntheticEvents.from(
            "stripe/checkout.session.async_payment_succeeded.json",
            "evt_async_0",
            "cs_bf_0",
            NOW - 600,
            null));
    events.add(SyntheticEvents.checkoutCompleted("evt_too_old", "cs_too_old", NOW - 49 * 3600));
    return events;
  }

  private void sendWebhooks() {
    for (String body : webhookBodies) {
      assertThat(StripeWebhooks.postSigned(t.port(), body, NOW).statusCode()).isEqualTo(200);
    }
  }

  private List<String> purchasedSessions() {
    return t.rc.received("purchase.json").stream()
        .peek(call -> assertThat(call.signatureValid()).isTrue())
        .map(RecordedCall::params)
        .map(p -> p.get("external_reference_id"))
        .toList();
  }

  private static List<String> sessions(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add("cs_bf_" + i);
    }
    return out;
  }

  @Test
  void takes_in_what_the_webhook_missed_and_counts_new_duplicate_and_ignored() {
    sendWebhooks();
    t.deliverDue();
    assertThat(purchasedSessions()).containsExactlyInAnyOrderElementsOf(sessions(0, 5));

    Backfill.Result result = backfill.run(SINCE, UNTIL, TYPES, Backfill.Progress.none());

    assertThat(result).isEqualTo(new Backfill.Result(3, 19, 5, 2, 0, java.util.Optional.empty()));
    assertThat(stripe.eventListQueries()).hasSize(3);
    t.deliverDue();
    assertThat(purchasedSessions())
        .hasSize(20)
        .containsExactlyInAnyOrderElementsOf(sessions(0, 20));
    assertThat(t.app.store().findDeliveryByKey("purchase:cs_bf_7"))
        .hasValueSatisfying(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED));
  }

  @Test
  void running_it_again_changes_nothing() {
    sendWebhooks();
    backfill.run(SINCE, UNTIL, TYPES, Backfill.Progress.none());
    t.deliverDue();

    Backfill.Result again = backfill.run(SINCE, UNTIL, TYPES, Backfill.Progress.none());
    t.deliverDue();

    assertThat(again).isEqualTo(new Backfill.Result(3, 0, 24, 2, 0, java.util.Optional.empty()));
    assertThat(purchasedSessions()).hasSize(20).doesNotHaveDuplicates();
  }

  @Test
  void reports_progress_after_each_page_back_through_the_window() {
    List<String> seen = new ArrayList<>();
    List<Double> fractions = new ArrayList<>();

    backfill.run(
        SINCE,
        UNTIL,
        TYPES,
        (soFar, fraction) -> {
          seen.add("page " + soFar.pages() + " " + soFar.counts());
          fractions.add(fraction);
        });

    assertThat(seen)
        .containsExactly(
            "page 1 new 0  duplicate 0  ignored 0",
            "page 2 new 0  duplicate 0  ignored 0",
            "page 3 new 0  duplicate 0  ignored 0",
            "page 3 new 24  duplicate 0  ignored 2");
    assertThat(fractions).isSorted().last().isEqualTo(1.0);
    assertThat(fractions.get(0)).isBetween(0.0, 0.5);
    assertThat(fractions.get(2)).isEqualTo(0.5);
  }

  @Test
  void by_default_lists_the_types_the_workflows_store() {
    Backfill.Result result = backfill.run(SINCE, UNTIL, List.of(), Backfill.Progress.none());

    assertThat(backfill.defaultTypes())
        .containsExactlyInAnyOrder(
            "checkout.session.completed", "checkout.session.async_payment_succeeded",
            "checkout.session.async_payment_failed", "invoice.payment_failed",
            "customer.subscription.created", "charge.refunded");
    assertThat(stripe.eventListQueries().get(0))
        .containsEntry("types[0]", List.of("checkout.session.completed"));
    assertThat(result.ignored()).isZero();
    assertThat(result.stored()).isEqualTo(24);
  }

  @Test
  void a_window_reaching_beyond_stripes_30_days_is_refused_before_asking_stripe() {
    assertThatThrownBy(
            () ->
                backfill.run(
                    UNTIL.minus(Duration.ofDays(31)), UNTIL, TYPES, Backfill.Progress.none()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("31 days ago")
        .hasMessageContaining("Stripe keeps events for 30 days")
        .hasMessageContaining("--since within the last 30 days")
        .hasMessageContaining(UNTIL.minus(Duration.ofDays(30)).toString());
    assertThat(stripe.requests()).isEmpty();
  }

  @Test
  void exactly_30_days_back_is_accepted() {
    Backfill.Result result =
        backfill.run(UNTIL.minus(Duration.ofDays(30)), UNTIL, TYPES, Backfill.Progress.none());

    assertThat(result.complete()).isTrue();
    assertThat(result.stored()).isEqualTo(25);
  }

  @Test
  void an_empty_or_inverted_window_or_a_future_since_is_refused() {
    assertThatThrownBy(() -> backfill.run(UNTIL, UNTIL, TYPES, Backfill.Progress.none()))
        .hasMessageContaining("must be after since");
    assertThatThrownBy(
            () ->
                backfill.run(
                    UNTIL.plusSeconds(60), UNTIL.plusSeconds(120), TYPES, Backfill.Progress.none()))
        .hasMessageContaining("in the future");
  }

  @Test
  void stripe_failing_mid_way_stops_with_the_page_having_taken_in_nothing_and_a_rerun_completes() {
    sendWebhooks();
    stripe.failEventList(2, 500);

    Backfill.Result failed = backfill.run(SINCE, UNTIL, TYPES, Backfill.Progress.none());

    assertThat(failed.complete()).isFalse();
    assertThat(failed.pages()).isEqualTo(1);
    assertThat(failed.stored() + failed.duplicate() + failed.ignored()).isZero();
    assertThat(t.app.store().findDeliveryByKey("purchase:cs_bf_19")).isEmpty();
    assertThat(failed.failure())
        .hasValueSatisfying(
            f -> {
              assertThat(f.page()).isEqualTo(2);
              assertThat(f.reason()).contains("HTTP 500").doesNotContain(KEY);
            });

    Backfill.Result rerun = backfill.run(SINCE, UNTIL, TYPES, Backfill.Progress.none());
    t.deliverDue();

    assertThat(rerun.complete()).isTrue();
    assertThat(rerun.duplicate()).isEqualTo(5);
    assertThat(rerun.stored()).isEqualTo(19);
    assertThat(purchasedSessions()).hasSize(20).doesNotHaveDuplicates();
  }

  @Test
  void the_store_failing_stops_the_run_with_the_counts_so_far() {
    t.app.store().close();

    Backfill.Result result = backfill.run(SINCE, UNTIL, TYPES, Backfill.Progress.none());

    assertThat(result.failure())
        .hasValueSatisfying(
            f -> {
              assertThat(f.page())
                  .as("the oldest event, taken in first, is on the last page")
                  .isEqualTo(3);
              assertThat(f.reason()).startsWith("the store failed at event evt_co_19: ");
            });
    assertThat(result.stored()).isZero();
  }

  @Test
  void
      a_completion_and_its_async_success_on_different_pages_take_the_completions_created_as_order_timestamp() {
    long completed = NOW - 40 * 3600;
    long succeeded = NOW - 60;
    stripe.withEvents(
        List.of(
            SyntheticEvents.from(
                "stripe/checkout.session.completed.async-unpaid-jpy.json",
                "evt_co_late",
                "cs_late",
                completed,
                null),
            SyntheticEvents.from(
                "stripe/checkout.session.async_payment_succeeded.json",
                "evt_async_late",
                "cs_late",
                succeeded,
                null)));

    Backfill.Result result = backfill.run(SINCE, UNTIL, TYPES, Backfill.Progress.none());

    assertThat(result.complete()).isTrue();
    assertThat(result.pages()).isEqualTo(3);
    assertThat(t.app.store().findDeliveryByKey("purchase:cs_late"))
        .hasValueSatisfying(
            d -> {
              assertThat(d.eventId().value()).isEqualTo("evt_async_late");
              assertThat(d.call().params())
                  .containsEntry("order_timestamp", Long.toString(completed));
            });
  }

  @Test
  void
      a_paid_completion_on_a_later_page_than_its_async_success_plans_the_purchase_from_the_completion() {
    long completed = NOW - 40 * 3600;
    stripe.withEvents(
        List.of(
            SyntheticEvents.checkoutCompleted("evt_co_paid", "cs_paid", completed),
            SyntheticEvents.from(
                "stripe/checkout.session.async_payment_succeeded.json",
                "evt_async_paid",
                "cs_paid",
                NOW - 60,
                null)));

    backfill.run(SINCE, UNTIL, TYPES, Backfill.Progress.none());

    assertThat(t.app.store().findDeliveryByKey("purchase:cs_paid"))
        .hasValueSatisfying(
            d -> {
              assertThat(d.eventId().value()).isEqualTo("evt_co_paid");
              assertThat(d.call().params())
                  .containsEntry("order_timestamp", Long.toString(completed));
            });
  }
}
