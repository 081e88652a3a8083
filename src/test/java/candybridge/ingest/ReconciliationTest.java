package candybridge.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.config.ReconcileSettings;
import candybridge.config.Secret;
import candybridge.stripe.StripeJavaEvents;
import candybridge.testing.FakeStripeApiServer;
import candybridge.testing.Poll;
import candybridge.testing.SyntheticEvents;
import candybridge.testing.TestApp;
import candybridge.workflow.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconciliationTest {
  static final String KEY = "sk_test_51CandybridgeReconcileKey0000000000000000000";
  static final long NOW = 1_790_000_000L;

  @TempDir Path dir;
  TestApp t;
  FakeStripeApiServer stripe;
  Reconciliation reconciliation;

  @BeforeEach
  void start() {
    t = TestApp.start(dir, NOW);
    stripe =
        FakeStripeApiServer.start(KEY)
            .withEvents(
                List.of(
                    SyntheticEvents.checkoutCompleted("evt_recent", "cs_recent", NOW - 3600),
                    SyntheticEvents.checkoutCompleted("evt_47h", "cs_47h", NOW - 47 * 3600),
                    SyntheticEvents.checkoutCompleted("evt_49h", "cs_49h", NOW - 49 * 3600)));
    Workflow workflow = Workflow.defaults();
    Backfill backfill =
        new Backfill(
            new StripeJavaEvents(new Secret(KEY), stripe.apiBase(), Duration.ofSeconds(5)),
            new StripeIngest(workflow, true, t.app.store(), t.clock, t.app.worker()::wake),
            workflow,
            t.clock);
    reconciliation =
        new Reconciliation(
            backfill,
            t.clock,
            ReconcileSettings.fromEnv(
                    Map.of("STRIPE_API_KEY", KEY, "CANDYBRIDGE_RECONCILE_EVERY", "6h"))
                .orElseThrow());
  }

  @AfterEach
  void stop() {
    reconciliation.close();
    stripe.close();
    t.close();
  }

  @Test
  void run_once_takes_in_the_events_of_the_last_48_hours_and_a_second_run_finds_them_stored() {
    Backfill.Result first = reconciliation.runOnce();
    Backfill.Result second = reconciliation.runOnce();
    t.deliverDue();

    assertThat(first).isEqualTo(new Backfill.Result(1, 2, 0, 0, 0, Optional.empty()));
    assertThat(second).isEqualTo(new Backfill.Result(1, 0, 2, 0, 0, Optional.empty()));
    assertThat(stripe.eventListQueries().get(0))
        .containsEntry("created[gte]", List.of(Long.toString(NOW - 48 * 3600)))
        .containsEntry("created[lt]", List.of(Long.toString(NOW)));
    assertThat(t.rc.received("purchase.json"))
        .extracting(c -> c.params().get("external_reference_id"))
        .containsExactlyInAnyOrder("cs_recent", "cs_47h");
  }

  @Test
  void a_failed_run_is_reported_and_the_next_one_catches_up() {
    stripe.failNext(503, 1);

    assertThat(reconciliation.runOnce().complete()).isFalse();
    assertThat(reconciliation.runOnce().stored()).isEqualTo(2);
  }

  @Test
  void started_it_runs_at_once_in_the_background_and_close_stops_it() {
    reconciliation.start();
    Poll.until(
        "a first reconciliation",
        Duration.ofSeconds(10),
        () -> t.app.store().eventSummary("evt_recent").isPresent());
    reconciliation.close();

    assertThat(stripe.eventListQueries()).hasSize(1);
    assertThatThrownBy(reconciliation::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void is_off_unless_an_interval_is_set() {
    assertThat(ReconcileSettings.fromEnv(Map.of())).isEmpty();
    assertThat(ReconcileSettings.fromEnv(Map.of("CANDYBRIDGE_RECONCILE_EVERY", " "))).isEmpty();
  }

  @Test
  void reads_the_interval_and_the_window_with_a_48_hour_default() {
    assertThat(
            ReconcileSettings.fromEnv(
                Map.of("STRIPE_API_KEY", KEY, "CANDYBRIDGE_RECONCILE_EVERY", "6h")))
        .contains(new ReconcileSettings(Duration.ofHours(6), Duration.ofHours(48)));
    assertThat(
            ReconcileSettings.fromEnv(
                Map.of(
                    "STRIPE_API_KEY",
                    KEY,
                    "CANDYBRIDGE_RECONCILE_EVERY",
                    "30m",
                    "CANDYBRIDGE_RECONCILE_WINDOW",
                    "7d")))
        .contains(new ReconcileSettings(Duration.ofMinutes(30), Duration.ofDays(7)));
  }

  @Test
  void bad_settings_are_refused_with_the_setting_named() {
    assertThatThrownBy(
            () ->
                ReconcileSettings.fromEnv(
                    Map.of("STRIPE_API_KEY", KEY, "CANDYBRIDGE_RECONCILE_EVERY", "often")))
        .hasMessageStartingWith("CANDYBRIDGE_RECONCILE_EVERY: 'often' is not a duration");
    assertThatThrownBy(
            () ->
                ReconcileSettings.fromEnv(
                    Map.of("STRIPE_API_KEY", KEY, "CANDYBRIDGE_RECONCILE_EVERY", "10s")))
        .hasMessageContaining("CANDYBRIDGE_RECONCILE_EVERY must be at least 1m");
    assertThatThrownBy(
            () ->
                ReconcileSettings.fromEnv(
                    Map.of(
                        "STRIPE_API_KEY",
                        KEY,
                        "CANDYBRIDGE_RECONCILE_EVERY",
                        "6h",
                        "CANDYBRIDGE_RECONCILE_WINDOW",
                        "31d")))
        .hasMessageContaining("CANDYBRIDGE_RECONCILE_WINDOW must be")
        .hasMessageContaining("30 days");
    assertThatThrownBy(() -> ReconcileSettings.fromEnv(Map.of("CANDYBRIDGE_RECONCILE_EVERY", "6h")))
        .hasMessageContaining("needs STRIPE_API_KEY");
    assertThatThrownBy(
            () -> ReconcileSettings.fromEnv(Map.of("CANDYBRIDGE_RECONCILE_WINDOW", "24h")))
        .hasMessageContaining("CANDYBRIDGE_RECONCILE_EVERY is not");
  }
}
