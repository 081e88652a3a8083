package candybridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.app.App;
import candybridge.config.ConfigLoader;
import candybridge.testing.Poll;
import candybridge.workflow.Workflow;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few requests through the benchmark harness, so it cannot rot; the benchmarks run by
 * bench/run.sh.
 */
class BenchHarnessTest {
  private static final String SECRET = "whsec_bench_smoke";

  @Test
  void load_generator_gets_signed_webhooks_accepted_and_sees_their_purchases_arrive(
      @TempDir Path dir) throws Exception {
    Timeline timeline = new Timeline(100);
    try (BenchReferralCandy rc = new BenchReferralCandy(timeline, Duration.ZERO);
        App app =
            App.start(
                ConfigLoader.fromEnv(
                    Map.of(
                        "CANDYBRIDGE_PORT",
                        "0",
                        "CANDYBRIDGE_DATABASE_URL",
                        "jdbc:sqlite:" + dir.resolve("bench.db"),
                        "STRIPE_WEBHOOK_SECRET",
                        SECRET,
                        "REFERRALCANDY_ACCESS_ID",
                        BenchReferralCandy.ACCESS_ID,
                        "REFERRALCANDY_SECRET_KEY",
                        BenchReferralCandy.SECRET,
                        "REFERRALCANDY_API_BASE",
                        rc.apiBase(),
                        "CANDYBRIDGE_STRIPE_MODE",
                        "test")),
                Workflow.defaults(),
                Clock.systemUTC(),
                App.Options.production())) {
      CheckoutEvents events = new CheckoutEvents("smoke", SECRET, app.port());
      LoadGenerator load = new LoadGenerator(new int[] {app.port()}, new AtomicInteger(), 100);

      ServiceMetrics before = ServiceMetrics.scrape(app.port());
      LoadGenerator.Result result =
          load.closedLoop(
              4,
              Duration.ofSeconds(20),
              20,
              new LoadGenerator.Requests() {
                @Override
                public synchronized byte[] request(int thread, int n) {
                  return events.request(n);
                }

                @Override
                public void onSend(int n, long nanos) {
                  timeline.sent(n, nanos);
                }
              });

      assertThat(result.ok()).isEqualTo(20);
      assertThat(result.errors()).isZero();
      assertThat(events.bodyBytes()).isBetween(3_500, 6_000);
      Poll.until(
          "20 purchases at the fake ReferralCandy",
          Duration.ofSeconds(20),
          () -> timeline.deliveries() == 20);
      assertThat(timeline.endToEnd(0, 20).count()).isEqualTo(20);
      assertThat(rc.badSignatures()).isZero();
      ServiceMetrics after = ServiceMetrics.scrape(app.port());
      assertThat(after.commits() - before.commits())
          .as("20 webhooks, at most 4 to a commit")
          .isGreaterThanOrEqualTo(5);
      assertThat(after.since(before))
          .startsWith("service: ")
          .contains(" store commits, the slowest within ", " GC pauses");
    }
  }

  @Test
  void service_metrics_read_commit_buckets_and_sum_gc_pauses_over_their_labels() {
    String page =
        """
        # HELP candybridge_store_commit_duration_seconds Time for the database to make one commit durable
        candybridge_store_commit_duration_seconds_bucket{le="0.001"} 90
        candybridge_store_commit_duration_seconds_bucket{le="0.1"} 99
        candybridge_store_commit_duration_seconds_bucket{le="0.5"} 100
        candybridge_store_commit_duration_seconds_bucket{le="+Inf"} 100
        candybridge_store_commit_duration_seconds_count 100
        jvm_gc_pause_seconds_count{action="end of minor GC",cause="Allocation Failure",gc="Copy"} 7
        jvm_gc_pause_seconds_sum{action="end of minor GC",cause="Allocation Failure",gc="Copy"} 0.07
        jvm_gc_pause_seconds_max{action="end of minor GC",cause="Allocation Failure",gc="Copy"} 0.02
        jvm_gc_pause_seconds_count{action="end of major GC",cause="System.gc()",gc="MarkSweepCompact"} 1
        jvm_gc_pause_seconds_sum{action="end of major GC",cause="System.gc()",gc="MarkSweepCompact"} 0.03
        jvm_gc_pause_seconds_max{action="end of major GC",cause="System.gc()",gc="MarkSweepCompact"} 0.03
        """;
    String earlier =
        """
        candybridge_store_commit_duration_seconds_bucket{le="0.001"} 40
        candybridge_store_commit_duration_seconds_bucket{le="0.1"} 40
        candybridge_store_commit_duration_seconds_bucket{le="0.5"} 40
        candybridge_store_commit_duration_seconds_count 40
        jvm_gc_pause_seconds_count{action="end of minor GC",cause="Allocation Failure",gc="Copy"} 2
        jvm_gc_pause_seconds_sum{action="end of minor GC",cause="Allocation Failure",gc="Copy"} 0.01
        """;

    ServiceMetrics now = ServiceMetrics.parse(page);

    assertThat(now.commits()).isEqualTo(100);
    assertThat(now.commitBuckets()).containsOnlyKeys(0.001, 0.1, 0.5);
    assertThat(now.gcPauses()).isEqualTo(8);
    assertThat(now.gcPauseMaxSeconds()).isEqualTo(0.03);
    assertThat(now.since(ServiceMetrics.parse(earlier)))
        .isEqualTo(
            "service: 60 store commits, the slowest within 500 ms, 1 over 100 ms; 6 GC pauses, 0.09 s in all,"
                + " the longest of the last minutes 30 ms");
  }

  @Test
  void fake_referralcandy_with_two_workers_serves_two_calls_at_once_and_queues_the_third()
      throws Exception {
    Timeline timeline = new Timeline(10);
    try (BenchReferralCandy rc = new BenchReferralCandy(timeline, Duration.ZERO, 2)) {
      rc.outage();
      byte[] call = BenchReferralCandy.anonymousPurchase(rc.port());
      List<Thread> callers = new ArrayList<>();
      List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < 3; i++) {
        Thread t =
            new Thread(
                () -> {
                  try (RawHttp http = new RawHttp(rc.port())) {
                    statuses.add(http.exchange(call));
                  } catch (IOException e) {
                    statuses.add(-1);
                  }
                });
        t.start();
        callers.add(t);
      }
      Poll.until(
          "two calls served and one waiting",
          Duration.ofSeconds(10),
          () -> rc.serving() == 2 && rc.waiting() == 1);

      rc.recover();
      for (Thread t : callers) {
        t.join(10_000);
      }
      assertThat(statuses).containsExactly(200, 200, 200);
      // A handler counts itself out after its exchange is closed, so just after its caller read the
      // answer: wait for that instead of racing it.
      Poll.until("no call being served", Duration.ofSeconds(10), () -> rc.serving() == 0);
    }
  }

  @Test
  void warm_up_calls_are_signed_and_counted_as_no_benchmark_event() throws Exception {
    Timeline timeline = new Timeline(10);
    try (BenchReferralCandy rc = new BenchReferralCandy(timeline, Duration.ofSeconds(5), 4)) {
      assertThat(rc.warmUp(200)).isZero();
      assertThat(rc.badSignatures()).isZero();
      assertThat(timeline.deliveries()).isZero();
    }
  }
}
