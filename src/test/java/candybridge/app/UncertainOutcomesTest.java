package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.alert.Alerts;
import candybridge.delivery.Attempt;
import candybridge.delivery.CallGate;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Verdict;
import candybridge.testing.FakeAlertReceiver;
import candybridge.testing.Fixtures;
import candybridge.testing.FlakyReferralCandy;
import candybridge.testing.FlakyReferralCandy.Mode;
import candybridge.testing.Poll;
import candybridge.testing.RecordedCall;
import candybridge.testing.ReliabilityReport;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import candybridge.workflow.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outage suite, the calls whose outcome cannot be known (RELIABILITY.md, docs/design.md §6): a
 * ReferralCandy that records a purchase and answers too late, one that hangs under steady sales and
 * recovers, a 429 storm, and each way a call can fail, played by a fake that really does it. The
 * clock is a {@code MutableClock}; the client's timeout (1 s) is real. The rule under test: a call
 * that may have reached ReferralCandy is never sent again without an operator's word.
 */
class UncertainOutcomesTest {
  static final long NOW = 1_789_466_660L;
  static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  static final String SESSION = Fixtures.event("stripe/checkout.session.completed.json").objectId();
  static final String EVENT_ID =
      Fixtures.event("stripe/checkout.session.completed.json").id().value();

  @TempDir Path dir;
  private final FakeAlertReceiver alerts = FakeAlertReceiver.start();
  private TestApp t;

  @AfterEach
  void stop() {
    if (t != null) {
      t.close();
    }
    alerts.close();
  }

  private TestApp start(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("CANDYBRIDGE_DELIVERY_TIMEOUT", "1s");
    env.put("CANDYBRIDGE_ALERT_WEBHOOK_URL", alerts.url().toString());
    t = TestApp.start(dir, NOW, StripeWebhooks.SECRET, env, Workflow.defaults());
    return t;
  }

  @Test
  void
      a_referralcandy_that_records_and_answers_after_the_timeout_gets_each_sale_once_held_in_doubt() {
    start(Map.of());
    t.rc.delay(Duration.ofMillis(1500));
    for (int i = 0; i < 12; i++) {
      post(i);
    }
    t.deliverDue();
    t.rc.awaitReceived(12, Duration.ofSeconds(10));
    assertThat(t.app.worker().gate().state()).isEqualTo(CallGate.State.OPEN);
    assertThat(StripeWebhooks.get(t.port(), "/readyz").statusCode())
        .as("ready while the breaker is open")
        .isEqualTo(200);
    post(13); // still stored and answered 200 (post checks it)
    assertThat(t.app.worker().runOnce()).as("no new call while open").isZero();
    t.rc.delay(Duration.ZERO);
    for (int i = 0; i < 40; i++) { // three days of probes and due times
      t.clock.advance(Duration.ofMinutes(2));
      t.deliverDue();
    }

    assertThat(t.rc.received("purchase.json"))
        .as("each sale reached ReferralCandy once (12, then the one stored while open)")
        .hasSize(13)
        .extracting(c -> c.params().get("external_reference_id"))
        .doesNotHaveDuplicates();
    for (int i = 0; i < 12; i++) {
      Delivery d = delivery(i);
      assertThat(d.status()).as("sale %d", i).isEqualTo(DeliveryStatus.IN_DOUBT);
      assertThat(d.status()).isEqualTo(DeliveryStatus.IN_DOUBT);
      assertThat(t.app.store().attempts(d.id()))
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.verdict()).isEqualTo(Verdict.IN_DOUBT);
                assertThat(a.verdict().outcomeClass()).isEqualTo("may_have_been_processed");
                assertThat(a.error().orElseThrow())
                    .matches(
                        "sent \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC, no answer within 1(\\.\\d)? s: .*");
              });
    }
    assertThat(delivery(13).status())
        .as("the sale stored while open went first after the probe")
        .isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(t.app.worker().gate().state()).isEqualTo(CallGate.State.CLOSED);
    String metrics = t.app.metrics().scrape();
    assertThat(metrics)
        .contains("candybridge_delivery_attempts_total{verdict=\"in_doubt\"} 12.0")
        .contains("candybridge_deliveries_in_doubt 12.0");

    t.clock.advance(Alerts.BURST_MAX);
    t.app.alerts().tick();
    Poll.until(
        "the in-doubt alert",
        Duration.ofSeconds(10),
        () -> alerts.received().stream().anyMatch(a -> a.contains("delivery_in_doubt")));
    assertThat(alerts.received().stream().filter(a -> a.contains("delivery_in_doubt")))
        .as("one alert for the burst")
        .singleElement()
        .satisfies(a -> assertThat(a).contains("\"count\":12"));
    assertThat(alerts.received())
        .anySatisfy(a -> assertThat(a).contains("referralcandy_unavailable"))
        .anySatisfy(a -> assertThat(a).contains("referralcandy_recovered"));
  }

  @Test
  void
      a_hang_under_steady_sales_puts_at_most_the_cap_in_doubt_and_the_rest_is_delivered_once_after_recovery() {
    start(Map.of("CANDYBRIDGE_DELIVERY_CONCURRENCY", "16"));
    int sale = 0;
    for (; sale < 10; sale++) { // before: sales flow
      post(sale);
      t.deliverDue();
      t.clock.advance(Duration.ofMillis(200));
    }
    int before = t.rc.received("purchase.json").size();
    t.rc.hangAll(true);
    Instant hangStart = t.clock.instant();
    // 60 s of hang, 5 sales a second arriving in bursts of 10 every 2 s: each burst is due at once.
    while (Duration.between(hangStart, t.clock.instant()).compareTo(Duration.ofSeconds(60)) < 0) {
      for (int k = 0; k < 10; k++) {
        post(sale++);
      }
      t.deliverDue();
      t.clock.advance(Duration.ofSeconds(2));
    }
    int startedIntoHang = t.rc.received("purchase.json").size() - before;
    t.rc.hangAll(false);
    t.rc.release();
    Instant recovered = t.clock.instant();
    Instant allDelivered = null;
    while (allDelivered == null
        && Duration.between(recovered, t.clock.instant()).compareTo(Duration.ofMinutes(3)) < 0) {
      t.deliverDue();
      if (pendingOrFlight() == 0) {
        allDelivered = t.clock.instant();
      }
      t.clock.advance(Duration.ofSeconds(1));
    }

    Map<String, Long> sends =
        t.rc.received("purchase.json").stream()
            .collect(
                Collectors.groupingBy(
                    c -> c.params().get("external_reference_id"), Collectors.counting()));
    long inDoubt = countStatus(sale, DeliveryStatus.IN_DOUBT);
    long delivered = countStatus(sale, DeliveryStatus.DELIVERED);
    new ReliabilityReport("outage-hang-60s")
        .put("sales", sale)
        .put("startedIntoHang", startedIntoHang)
        .put("inDoubt", inDoubt)
        .put("delivered", delivered)
        .put("sentTwice", sends.values().stream().filter(n -> n > 1).count())
        .put(
            "allDeliveredAfterRecovery",
            allDelivered == null ? "no" : Duration.between(recovered, allDelivered))
        .write();
    assertThat(startedIntoHang).as("calls started into the hang").isBetween(1, 16);
    assertThat(inDoubt).as("in doubt").isBetween(1L, 16L).isEqualTo(startedIntoHang);
    assertThat(sends.values()).as("no sale sent twice").allMatch(n -> n == 1);
    assertThat(delivered + inDoubt).as("every sale delivered or held").isEqualTo(sale);
    assertThat(allDelivered).as("all delivered").isNotNull();
    assertThat(Duration.between(recovered, allDelivered))
        .as("within a minute of the recovery")
        .isLessThanOrEqualTo(Duration.ofMinutes(1));
  }

  /**
   * The same in real time, as users run it: the worker loop, the default 10 s timeout and 16
   * senders, the breaker's probes; ReferralCandy hangs for 60 s while 5 sales a second arrive.
   */
  @Test
  @Tag("long")
  void a_sixty_second_hang_in_real_time_under_five_sales_a_second() throws InterruptedException {
    t =
        TestApp.start(
            dir,
            Instant.now().getEpochSecond(),
            StripeWebhooks.SECRET,
            Map.of("CANDYBRIDGE_ALERT_WEBHOOK_URL", alerts.url().toString()),
            Workflow.defaults(),
            true);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    ticker.scheduleAtFixedRate(() -> t.clock.set(Instant.now()), 0, 10, TimeUnit.MILLISECONDS);
    try {
      int sale = 0;
      long start = System.nanoTime();
      int before = -1;
      Instant recovered = null;
      int recoveredAtSale = -1;
      for (long due = start; sale < 5 * 130; due += 200_000_000L, sale++) { // 130 s of sales at 5/s
        LockSupport.parkNanos(due - System.nanoTime()); // pacing the load, not waiting for a result
        long elapsed = System.nanoTime() - start;
        if (before < 0 && elapsed >= 10_000_000_000L) {
          before = t.rc.received("purchase.json").size();
          t.rc.hangAll(true);
        } else if (recovered == null && elapsed >= 70_000_000_000L) {
          t.rc.hangAll(false);
          t.rc.release();
          recovered = Instant.now();
          recoveredAtSale = sale;
        }
        post(sale);
      }
      int sales = sale;
      int backlogEnd = recoveredAtSale;
      Poll.until(
          "every sale delivered or held",
          Duration.ofSeconds(90),
          () -> {
            var q = t.app.store().queueStats(Instant.now());
            return q.count(DeliveryStatus.PENDING) + q.count(DeliveryStatus.IN_FLIGHT) == 0;
          });
      Instant lastDelivery =
          t.rc.received("purchase.json").stream()
              .filter(
                  c ->
                      Integer.parseInt(
                              c.params()
                                  .get("external_reference_id")
                                  .substring(SESSION.length() + 2))
                          < backlogEnd)
              .map(RecordedCall::receivedAt)
              .max(Instant::compareTo)
              .orElseThrow();
      Map<String, Long> sends =
          t.rc.received("purchase.json").stream()
              .collect(
                  Collectors.groupingBy(
                      c -> c.params().get("external_reference_id"), Collectors.counting()));
      long inDoubt = countStatus(sales, DeliveryStatus.IN_DOUBT);
      long delivered = countStatus(sales, DeliveryStatus.DELIVERED);
      new ReliabilityReport("outage-hang-60s-real-time")
          .put("sales", sales)
          .put("inDoubt", inDoubt)
          .put("delivered", delivered)
          .put("sentTwice", sends.values().stream().filter(n -> n > 1).count())
          .put("backlogCaughtUpAfterRecovery", Duration.between(recovered, lastDelivery))
          .write();
      assertThat(inDoubt).as("in doubt: at most the cap").isBetween(1L, 16L);
      assertThat(sends.values()).as("no sale sent twice").allMatch(n -> n == 1);
      assertThat(delivered + inDoubt).isEqualTo(sales);
      assertThat(Duration.between(recovered, lastDelivery))
          .as("the hang's sales delivered within a minute of the recovery")
          .isLessThanOrEqualTo(Duration.ofSeconds(60));
    } finally {
      ticker.shutdownNow();
    }
  }

  @Test
  void a_429_storm_with_retry_after_fails_nothing_and_sends_nothing_twice() {
    start(Map.of("CANDYBRIDGE_RETRY_SCHEDULE", "30s,2m"));
    for (int i = 0; i < 40; i++) {
      t.rc.respondWith(429, Duration.ofSeconds(5));
      t.rc.respondWith(200);
    }
    for (int i = 0; i < 30; i++) {
      post(i);
    }
    int lowestLimit = 16;
    int pausedRounds = 0;
    for (int round = 0; round < 600 && pendingOrFlight() > 0; round++) {
      long before = t.app.store().queueStats(t.clock.instant()).dueNow();
      if (t.app.worker().runOnce() == 0 && before > 0) {
        pausedRounds++;
      }
      lowestLimit = Math.min(lowestLimit, t.app.worker().gate().limit());
      t.clock.advance(Duration.ofSeconds(1));
    }

    assertThat(countStatus(30, DeliveryStatus.DELIVERED)).as("all delivered").isEqualTo(30);
    int throttled = 0;
    for (int i = 0; i < 30; i++) {
      List<Attempt> attempts = t.app.store().attempts(delivery(i).id());
      assertThat(attempts)
          .filteredOn(a -> a.verdict() == Verdict.DELIVERED)
          .as("delivered once")
          .hasSize(1);
      assertThat(attempts)
          .allSatisfy(a -> assertThat(a.verdict()).isIn(Verdict.DELIVERED, Verdict.RETRY));
      throttled += (int) attempts.stream().filter(a -> a.httpStatus().orElse(0) == 429).count();
    }
    assertThat(throttled).isPositive();
    assertThat(t.rc.received("purchase.json"))
        .as("the 429s and one success per sale")
        .hasSize(30 + throttled);
    assertThat(lowestLimit).as("flow control lowered the calls in flight").isLessThan(16);
    assertThat(pausedRounds).as("every sender paused for Retry-After").isPositive();
  }

  @Test
  void each_failure_is_classed_as_design_section_6_says() {
    try (FlakyReferralCandy flaky = FlakyReferralCandy.start()) {
      start(Map.of("REFERRALCANDY_API_BASE", flaky.apiBase().toString()));
      flaky.forwardTo(t.rc).retryAfter(Duration.ofSeconds(1));
      Map<Mode, Verdict> expected = new java.util.LinkedHashMap<>();
      expected.put(Mode.ERROR_500, Verdict.IN_DOUBT);
      expected.put(Mode.ERROR_502, Verdict.IN_DOUBT);
      expected.put(Mode.ERROR_503, Verdict.RETRY);
      expected.put(Mode.ERROR_504, Verdict.IN_DOUBT);
      expected.put(Mode.TOO_MANY_429, Verdict.RETRY);
      expected.put(Mode.RESET, Verdict.IN_DOUBT);
      expected.put(Mode.HANG, Verdict.IN_DOUBT);
      expected.put(Mode.REFUSE, Verdict.RETRY);
      List<String> problems = new ArrayList<>();
      int i = 0;
      for (Map.Entry<Mode, Verdict> e : expected.entrySet()) {
        int faulty = i++;
        post(faulty);
        flaky.mode(e.getKey());
        t.app.worker().runOnce();
        flaky.mode(Mode.PASS);
        List<Attempt> attempts = t.app.store().attempts(delivery(faulty).id());
        Verdict got = attempts.isEmpty() ? null : attempts.get(0).verdict();
        if (got != e.getValue()) {
          problems.add(
              e.getKey()
                  + ": "
                  + got
                  + " ("
                  + (attempts.isEmpty() ? "no attempt" : attempts.get(0).error().orElse(""))
                  + ")");
        }
        DeliveryStatus status = delivery(faulty).status();
        DeliveryStatus want =
            e.getValue() == Verdict.IN_DOUBT ? DeliveryStatus.IN_DOUBT : DeliveryStatus.PENDING;
        if (status != want) {
          problems.add(e.getKey() + ": delivery is " + status + ", not " + want);
        }
        t.clock.advance(Duration.ofMinutes(1)); // past a 429's pause and the retry's first delay
        int good = i++;
        post(good); // an answered call between faults keeps the breaker closed
        t.deliverDue();
        if (delivery(good).status() != DeliveryStatus.DELIVERED) {
          problems.add("after " + e.getKey() + ": the next sale is " + delivery(good).status());
        }
      }
      assertThat(problems).isEmpty();
      assertThat(t.app.worker().gate().state()).isEqualTo(CallGate.State.CLOSED);
    }
  }

  @Test
  void an_instance_never_holds_more_claims_than_its_cap() throws InterruptedException {
    t =
        TestApp.start(
            dir,
            Instant.now().getEpochSecond(),
            StripeWebhooks.SECRET,
            Map.of("CANDYBRIDGE_DELIVERY_CONCURRENCY", "4"),
            Workflow.defaults(),
            true);
    t.rc.delay(Duration.ofMillis(20));
    for (int i = 0; i < 120; i++) {
      post(i);
    }
    long most = 0;
    long samples = 0;
    while (countStatus(120, DeliveryStatus.DELIVERED) < 120 && samples < 100_000) {
      t.clock.set(Instant.now());
      most =
          Math.max(
              most, t.app.store().queueStats(t.clock.instant()).count(DeliveryStatus.IN_FLIGHT));
      samples++;
    }
    assertThat(countStatus(120, DeliveryStatus.DELIVERED)).isEqualTo(120);
    assertThat(most).as("claims held at once, sampled %d times", samples).isBetween(1L, 4L);
  }

  @Test
  void on_uncertain_retry_resends_a_call_that_may_have_been_processed() {
    start(Map.of("CANDYBRIDGE_ON_UNCERTAIN", "retry"));
    t.rc.respondWith(502);
    post(0);
    t.deliverDue();
    assertThat(delivery(0).status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(delivery(0).lastError().orElseThrow())
        .contains("502")
        .contains("CANDYBRIDGE_ON_UNCERTAIN=retry");
    t.clock.advance(Duration.ofMinutes(1));
    t.deliverDue();
    assertThat(delivery(0).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(t.rc.received("purchase.json"))
        .as("sent twice: the trade-off that was chosen")
        .hasSize(2);
  }

  private long countStatus(int sales, DeliveryStatus status) {
    long n = 0;
    for (int i = 0; i < sales; i++) {
      if (delivery(i).status() == status) {
        n++;
      }
    }
    return n;
  }

  private int pendingOrFlight() {
    var q = t.app.store().queueStats(t.clock.instant());
    return (int) (q.count(DeliveryStatus.PENDING) + q.count(DeliveryStatus.IN_FLIGHT));
  }

  private Delivery delivery(int i) {
    return t.app.store().findDeliveryByKey("purchase:" + session(i)).orElseThrow();
  }

  private static String session(int i) {
    return SESSION + "_u" + i;
  }

  private void post(int i) {
    String body = TEMPLATE.replace(SESSION, session(i)).replace(EVENT_ID, EVENT_ID + "_u" + i);
    assertThat(
            StripeWebhooks.postSigned(t.port(), body, t.clock.instant().getEpochSecond())
                .statusCode())
        .isEqualTo(200);
  }
}
