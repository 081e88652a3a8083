package candybridge.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.QueueStats;
import candybridge.delivery.Verdict;
import candybridge.testing.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private final MutableClock clock = MutableClock.at(1_700_000_000);
  private final AtomicInteger statsReads = new AtomicInteger();
  private QueueStats stats = QueueStats.empty();
  private final Metrics metrics =
      Metrics.withStatsTtl(
          clock,
          () -> {
            statsReads.incrementAndGet();
            return stats;
          },
          Duration.ofSeconds(5));

  @Test
  void scrape_shows_exact_counts_after_scripted_calls() {
    metrics.webhookReceived("checkout.session.completed", "stored");
    metrics.webhookReceived("checkout.session.completed", "stored");
    metrics.webhookReceived("checkout.session.completed", "duplicate");
    metrics.webhookReceived("customer.created", "ignored");
    metrics.webhookReceived(Metrics.UNKNOWN_TYPE, "rejected");
    metrics.webhookReceived(null, "rejected");
    metrics.webhookReceived("charge.refunded", "unavailable");
    metrics.ingestLatency(Duration.ofMillis(12));
    metrics.ingestLatency(Duration.ofMillis(30));
    metrics.attemptFinished(Verdict.RETRY, Duration.ofMillis(900));
    metrics.attemptFinished(Verdict.DELIVERED, Duration.ofMillis(300));
    metrics.attemptFinished(Verdict.FAIL, Duration.ofMillis(100));
    metrics.deliveryStatusChanged(DeliveryStatus.DELIVERED);
    metrics.deliveryStatusChanged(DeliveryStatus.FAILED);
    metrics.backfillEvents("stored", 40);
    metrics.backfillEvents("duplicate", 2);
    metrics.storeCommit(Duration.ofMillis(1));
    metrics.storeCommit(Duration.ofMillis(300));

    String page = metrics.scrape();

    assertThat(
            value(
                page,
                "candybridge_webhooks_received_total{outcome=\"stored\",type=\"checkout.session.completed\"}"))
        .isEqualTo(2.0);
    assertThat(
            value(
                page,
                "candybridge_webhooks_received_total{outcome=\"duplicate\",type=\"checkout.session.completed\"}"))
        .isEqualTo(1.0);
    assertThat(
            value(
                page,
                "candybridge_webhooks_received_total{outcome=\"ignored\",type=\"customer.created\"}"))
        .isEqualTo(1.0);
    assertThat(
            value(
                page, "candybridge_webhooks_received_total{outcome=\"rejected\",type=\"unknown\"}"))
        .isEqualTo(2.0);
    assertThat(
            value(
                page,
                "candybridge_webhooks_received_total{outcome=\"unavailable\",type=\"charge.refunded\"}"))
        .isEqualTo(1.0);
    assertThat(value(page, "candybridge_ingest_duration_seconds_count")).isEqualTo(2.0);
    assertThat(value(page, "candybridge_ingest_duration_seconds_sum")).isEqualTo(0.042);
    assertThat(value(page, "candybridge_ingest_duration_seconds_bucket{le=\"0.025\"}"))
        .isEqualTo(1.0);
    assertThat(value(page, "candybridge_delivery_attempts_total{verdict=\"retry\"}"))
        .isEqualTo(1.0);
    assertThat(value(page, "candybridge_delivery_attempts_total{verdict=\"delivered\"}"))
        .isEqualTo(1.0);
    assertThat(value(page, "candybridge_delivery_attempts_total{verdict=\"fail\"}")).isEqualTo(1.0);
    assertThat(value(page, "candybridge_delivery_attempts_total{verdict=\"in_doubt\"}")).isZero();
    assertThat(value(page, "candybridge_delivery_attempt_duration_seconds_sum{verdict=\"retry\"}"))
        .isEqualTo(0.9);
    assertThat(value(page, "candybridge_delivery_status_changes_total{status=\"delivered\"}"))
        .isEqualTo(1.0);
    assertThat(value(page, "candybridge_delivery_status_changes_total{status=\"failed\"}"))
        .isEqualTo(1.0);
    assertThat(value(page, "candybridge_delivery_status_changes_total{status=\"in_doubt\"}"))
        .isZero();
    assertThat(value(page, "candybridge_backfill_events_total{outcome=\"stored\"}"))
        .isEqualTo(40.0);
    assertThat(value(page, "candybridge_backfill_events_total{outcome=\"duplicate\"}"))
        .isEqualTo(2.0);
    assertThat(value(page, "candybridge_store_commit_duration_seconds_count")).isEqualTo(2.0);
    assertThat(value(page, "candybridge_store_commit_duration_seconds_bucket{le=\"0.001\"}"))
        .isEqualTo(1.0);
    assertThat(value(page, "candybridge_store_commit_duration_seconds_bucket{le=\"0.25\"}"))
        .isEqualTo(1.0);
    assertThat(value(page, "candybridge_store_commit_duration_seconds_bucket{le=\"0.5\"}"))
        .isEqualTo(2.0);
  }

  @Test
  void queue_gauges_come_from_the_store_statistics() {
    stats =
        new QueueStats(
            Map.of(
                DeliveryStatus.PENDING,
                7L,
                DeliveryStatus.DELIVERED,
                120L,
                DeliveryStatus.IN_DOUBT,
                2L),
            5,
            Optional.of(Duration.ofSeconds(95)));

    String page = metrics.scrape();

    assertThat(value(page, "candybridge_deliveries{status=\"pending\"}")).isEqualTo(7.0);
    assertThat(value(page, "candybridge_deliveries{status=\"delivered\"}")).isEqualTo(120.0);
    assertThat(value(page, "candybridge_deliveries{status=\"in_doubt\"}")).isEqualTo(2.0);
    assertThat(value(page, "candybridge_deliveries{status=\"failed\"}")).isZero();
    assertThat(value(page, "candybridge_deliveries{status=\"in_flight\"}")).isZero();
    assertThat(value(page, "candybridge_queue_depth")).isEqualTo(5.0);
    assertThat(value(page, "candybridge_queue_oldest_due_age_seconds")).isEqualTo(95.0);
    assertThat(value(page, "candybridge_deliveries_in_doubt")).isEqualTo(2.0);
  }

  @Test
  void an_empty_queue_reads_zero_age() {
    assertThat(value(metrics.scrape(), "candybridge_queue_oldest_due_age_seconds")).isZero();
  }

  @Test
  void a_scrape_reads_the_store_at_most_once_per_cache_period() {
    metrics.scrape();
    metrics.scrape();
    assertThat(statsReads).hasValue(1);

    stats = new QueueStats(Map.of(), 9, Optional.empty());
    clock.advance(Duration.ofSeconds(4));
    assertThat(value(metrics.scrape(), "candybridge_queue_depth")).as("still cached").isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(value(metrics.scrape(), "candybridge_queue_depth")).isEqualTo(9.0);
    assertThat(statsReads).hasValue(2);
  }

  @Test
  void unreadable_store_makes_queue_gauges_NaN_until_it_answers_again() {
    Metrics failing =
        Metrics.withStatsTtl(
            clock,
            () -> {
              if (statsReads.incrementAndGet() == 1)
                throw new IllegalStateException("database is locked");
              return new QueueStats(Map.of(), 3, Optional.empty());
            },
            Duration.ofSeconds(5));

    assertThat(value(failing.scrape(), "candybridge_queue_depth")).isNaN();
    assertThat(failing.queueStats()).isEmpty();
    clock.advance(Duration.ofSeconds(5));
    assertThat(value(failing.scrape(), "candybridge_queue_depth")).isEqualTo(3.0);
  }

  @Test
  void event_types_from_requests_cannot_grow_the_label_set() {
    for (int i = 0; i < 500; i++) {
      metrics.webhookReceived("made.up.type_" + i, "ignored");
      metrics.webhookReceived("checkout.session.completed", "outcome_" + i);
    }
    metrics.backfillEvents("weird", 1);

    String page = metrics.scrape();

    Set<String> types = labelValues(page, "candybridge_webhooks_received_total", "type");
    Set<String> outcomes = labelValues(page, "candybridge_webhooks_received_total", "outcome");
    assertThat(types).containsExactlyInAnyOrder("other", "checkout.session.completed");
    assertThat(outcomes).containsExactlyInAnyOrder("ignored", "other");
    assertThat(
            value(page, "candybridge_webhooks_received_total{outcome=\"ignored\",type=\"other\"}"))
        .isEqualTo(500.0);
    assertThat(
            value(
                page,
                "candybridge_webhooks_received_total{outcome=\"other\",type=\"checkout.session.completed\"}"))
        .isEqualTo(500.0);
    assertThat(labelValues(page, "candybridge_backfill_events_total", "outcome"))
        .containsExactly("other");
  }

  @Test
  void the_type_label_has_at_most_the_known_types_plus_other_and_unknown() {
    Set<String> labels =
        Set.of(
                "checkout.session.completed",
                "invoice.paid",
                "x",
                "",
                Metrics.UNKNOWN_TYPE,
                "charge.refunded\n")
            .stream()
            .map(Metrics::typeLabel)
            .collect(Collectors.toSet());

    assertThat(labels)
        .containsExactlyInAnyOrder(
            "checkout.session.completed", "invoice.paid", "other", "unknown");
    assertThat(Metrics.KNOWN_EVENT_TYPES).hasSizeLessThan(20);
  }

  @Test
  void noop_metrics_record_nothing_and_never_read_the_store() {
    Metrics noop = Metrics.noop();
    noop.webhookReceived("checkout.session.completed", "stored");
    noop.attemptFinished(Verdict.DELIVERED, Duration.ofMillis(5));

    assertThat(noop.scrape()).doesNotContain("candybridge_");
  }

  @Test
  void production_metrics_also_expose_the_jvm() {
    String page;
    try (Metrics production = Metrics.create(clock, QueueStats::empty)) {
      page = production.scrape();
    }

    assertThat(page)
        .contains(
            "candybridge_queue_depth ",
            "jvm_memory_used_bytes",
            "jvm_gc_max_data_size_bytes",
            "process_uptime_seconds");
  }

  /** The value of one series line, e.g. {@code name{a="b"} 2.0}. */
  private static double value(String page, String series) {
    return page.lines()
        .filter(l -> l.startsWith(series + " "))
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + series + " in:\n" + page));
  }

  private static Set<String> labelValues(String page, String metric, String label) {
    Pattern p = Pattern.compile(Pattern.quote(label) + "=\"([^\"]*)\"");
    Set<String> values = new TreeSet<>();
    page.lines()
        .filter(l -> l.startsWith(metric + "{"))
        .forEach(
            l -> {
              Matcher m = p.matcher(l);
              if (m.find()) values.add(m.group(1));
            });
    return values;
  }
}
