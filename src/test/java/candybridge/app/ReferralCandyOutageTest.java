package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Attempt;
import candybridge.delivery.CallGate;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Verdict;
import candybridge.testing.Fixtures;
import candybridge.testing.FlakyReferralCandy;
import candybridge.testing.FlakyReferralCandy.Mode;
import candybridge.testing.RecordedCall;
import candybridge.testing.ReliabilityReport;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import candybridge.workflow.Workflow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outage suite, ReferralCandy side (RELIABILITY.md): ReferralCandy down for six simulated hours on
 * the production retry schedule, in the ways that say it did not process a call: 503, 429 with
 * {@code Retry-After}, connections refused, then 503 again, while sales keep coming in. (The ways
 * that may have processed a call, 500/502/504, no answer and resets, hold calls in doubt instead:
 * {@link UncertainOutcomesTest}, {@link ReferralCandyFailureClassesTest}.) The clock is a {@code
 * MutableClock} jumped from one due time, or breaker probe, to the next, so hours pass in seconds.
 * The breaker opens early in the outage and probes {@code verify.json}; after recovery each sale
 * reaches ReferralCandy once, in due order, and no attempt came sooner than the configured schedule
 * (-10 % jitter) or a {@code Retry-After}.
 */
class ReferralCandyOutageTest {
  static final long NOW = 1_789_466_660L;
  static final Duration OUTAGE = Duration.ofHours(6);
  static final Duration RETRY_AFTER = Duration.ofMinutes(20);

  /** The production default (README): 12 retries over about 4.3 days. */
  static final List<Duration> SCHEDULE =
      List.of(
          Duration.ofSeconds(30),
          Duration.ofMinutes(2),
          Duration.ofMinutes(10),
          Duration.ofMinutes(30),
          Duration.ofHours(1),
          Duration.ofHours(2),
          Duration.ofHours(4),
          Duration.ofHours(8),
          Duration.ofHours(16),
          Duration.ofHours(24),
          Duration.ofHours(24),
          Duration.ofHours(24));

  static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  static final String SESSION = Fixtures.event("stripe/checkout.session.completed.json").objectId();
  static final String EVENT_ID =
      Fixtures.event("stripe/checkout.session.completed.json").id().value();

  @TempDir Path dir;

  @Test
  void six_hour_outage_then_every_sale_once_in_due_order_on_the_configured_schedule() {
    // Each "no answer" attempt costs the 1 s client timeout in real time: few sales by default.
    outage(12, "outage-referralcandy-short");
  }

  @Test
  @Tag("long")
  void six_hour_outage_with_four_hundred_sales() {
    outage(400, "outage-referralcandy-long");
  }

  private void outage(int sales, String name) {
    Instant start = Instant.ofEpochSecond(NOW);
    try (FlakyReferralCandy flaky = FlakyReferralCandy.start();
        TestApp t =
            TestApp.start(
                dir,
                NOW,
                StripeWebhooks.SECRET,
                Map.of(
                    "REFERRALCANDY_API_BASE", flaky.apiBase().toString(),
                    "CANDYBRIDGE_RETRY_SCHEDULE", "30s,2m,10m,30m,1h,2h,4h,8h,16h,24h,24h,24h",
                    "CANDYBRIDGE_DELIVERY_TIMEOUT", "1s"),
                Workflow.defaults())) {
      flaky.forwardTo(t.rc).retryAfter(RETRY_AFTER);
      // Sales arrive all through the outage's first 5.5 hours.
      Duration between = Duration.ofMinutes(330).dividedBy(sales);
      int posted = 0;
      Instant end = start.plus(Duration.ofDays(2));
      while (t.clock.instant().isBefore(end)) {
        Instant now = t.clock.instant();
        flaky.mode(modeAt(Duration.between(start, now)));
        while (posted < sales && !start.plus(between.multipliedBy(posted)).isAfter(now)) {
          post(t, posted++);
        }
        t.deliverDue();
        Instant nextSale = posted < sales ? start.plus(between.multipliedBy(posted)) : null;
        Instant nextDue = nextDue(t.database);
        CallGate gate = t.app.worker().gate();
        Optional<Instant> held = gate.nextProbeAt().or(() -> gate.pausedUntil(now));
        if (held.isPresent() && nextDue != null && nextDue.isBefore(held.get())) {
          nextDue = held.get(); // due work waits for the breaker's probe or the 429 pause
        }
        Instant next = earliest(earliest(nextSale, nextDue), nextPhase(start, now));
        if (next == null) {
          break;
        }
        t.clock.set(next.isAfter(now) ? next : now.plusMillis(1));
      }

      List<RecordedCall> purchases = t.rc.received("purchase.json");
      Map<String, Long> sends =
          purchases.stream()
              .collect(
                  Collectors.groupingBy(
                      c -> c.params().get("external_reference_id"),
                      TreeMap::new,
                      Collectors.counting()));
      List<String> problems = new ArrayList<>();
      List<Instant> deliveredAtInArrivalOrder = new ArrayList<>();
      int attempts = 0;
      int gapsChecked = 0;
      for (int i = 0; i < sales; i++) {
        Delivery d = t.app.store().findDeliveryByKey("purchase:" + session(i)).orElseThrow();
        List<Attempt> history = t.app.store().attempts(d.id());
        attempts += history.size();
        if (d.status() != DeliveryStatus.DELIVERED) {
          problems.add(session(i) + " is " + d.status());
        }
        for (int n = 1; n < history.size(); n++) {
          Attempt before = history.get(n - 1);
          Duration gap = Duration.between(before.startedAt(), history.get(n).startedAt());
          Duration base = SCHEDULE.get(n - 1);
          boolean throttled = before.httpStatus().orElse(0) == 429;
          Duration least =
              throttled ? RETRY_AFTER : base.multipliedBy(9).dividedBy(10).minusMillis(1);
          if (gap.compareTo(least) < 0) {
            problems.add(
                session(i)
                    + " attempt "
                    + (n + 1)
                    + " came "
                    + gap
                    + " after attempt "
                    + n
                    + " (never sooner than "
                    + (throttled ? "Retry-After " + RETRY_AFTER : base + " -10%")
                    + ")");
          }
          if (before.verdict() != Verdict.RETRY) {
            problems.add(session(i) + " attempt " + n + " was " + before.verdict() + ", not retry");
          }
          gapsChecked++;
        }
      }
      for (RecordedCall c : purchases) {
        String session = c.params().get("external_reference_id");
        Delivery d = t.app.store().findDeliveryByKey("purchase:" + session).orElseThrow();
        List<Attempt> history = t.app.store().attempts(d.id());
        deliveredAtInArrivalOrder.add(history.get(history.size() - 1).startedAt());
      }
      for (int k = 1; k < deliveredAtInArrivalOrder.size(); k++) {
        if (deliveredAtInArrivalOrder.get(k).isBefore(deliveredAtInArrivalOrder.get(k - 1))) {
          problems.add(
              "ReferralCandy got a sale due at "
                  + deliveredAtInArrivalOrder.get(k)
                  + " after one due at "
                  + deliveredAtInArrivalOrder.get(k - 1));
        }
      }
      Instant lastDelivery =
          deliveredAtInArrivalOrder.isEmpty()
              ? start
              : deliveredAtInArrivalOrder.get(deliveredAtInArrivalOrder.size() - 1);
      new ReliabilityReport(name)
          .put("sales", sales)
          .put("simulatedOutage", OUTAGE)
          .put("proxyRequestsByMode", new TreeMap<>(flaky.requests()))
          .put("attempts", attempts)
          .put("gapsChecked", gapsChecked)
          .put("breakerOpened", breakerOpened(t))
          .put("rcPurchases", purchases.size())
          .put("sentTwice", sends.values().stream().filter(n -> n > 1).count())
          .put("lost", sales - sends.size())
          .put("allDeliveredBy", Duration.between(start, lastDelivery))
          .put("problems", problems.size())
          .write();

      assertThat(sends)
          .as("each sale reaches ReferralCandy once")
          .hasSize(sales)
          .allSatisfy((s, n) -> assertThat(n).isEqualTo(1L));
      assertThat(purchases).allMatch(RecordedCall::signatureValid);
      assertThat(problems).isEmpty();
      assertThat(flaky.requests())
          .as("every kind of answer was played")
          .containsKeys(Mode.PASS, Mode.ERROR_503, Mode.TOO_MANY_429);
      assertThat(t.app.metrics().scrape())
          .contains("candybridge_breaker_transitions_total{to=\"open\"}")
          .doesNotContain("candybridge_breaker_transitions_total{to=\"open\"} 0.0")
          .contains("candybridge_breaker_state 0.0");
    }
  }

  /** 0-1.5 h: 503; 1.5-3 h: 429 + Retry-After; 3-4.5 h: refused; 4.5-6 h: 503; then up. */
  static Mode modeAt(Duration elapsed) {
    long quarter = OUTAGE.dividedBy(4).toMillis();
    long ms = elapsed.toMillis();
    if (ms >= OUTAGE.toMillis()) {
      return Mode.PASS;
    }
    return List.of(Mode.ERROR_503, Mode.TOO_MANY_429, Mode.REFUSE, Mode.ERROR_503)
        .get((int) (ms / quarter));
  }

  private static String breakerOpened(TestApp t) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "candybridge_breaker_transitions_total\\{to=\"open\"} (\\S+)")
            .matcher(t.app.metrics().scrape());
    return m.find() ? m.group(1) : "?";
  }

  static Instant nextPhase(Instant start, Instant now) {
    for (int q = 1; q <= 4; q++) {
      Instant boundary = start.plus(OUTAGE.dividedBy(4).multipliedBy(q));
      if (boundary.isAfter(now)) {
        return boundary;
      }
    }
    return null;
  }

  static Instant earliest(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
  }

  static String session(int i) {
    return SESSION + "_outage_" + i;
  }

  private static void post(TestApp t, int i) {
    String body =
        TEMPLATE.replace(SESSION, session(i)).replace(EVENT_ID, EVENT_ID + "_outage_" + i);
    assertThat(
            StripeWebhooks.postSigned(t.port(), body, t.clock.instant().getEpochSecond())
                .statusCode())
        .isEqualTo(200);
  }

  /** The earliest next attempt of a pending delivery, straight from the table. */
  private static Instant nextDue(Path database) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT MIN(next_attempt_at) FROM delivery WHERE status = 'pending'")) {
      rs.next();
      long v = rs.getLong(1);
      return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
