package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.alert.Alerts;
import candybridge.delivery.CallGate;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Verdict;
import candybridge.testing.Poll;
import candybridge.testing.RecordedCall;
import candybridge.testing.ReliabilityReport;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import candybridge.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Outage suite, the calls whose outcome cannot be known (RELIABILITY.md, docs/design.md §6): a
 * ReferralCandy that records a purchase and answers too late, one that hangs under steady sales and
 * recovers (also in real time, long), and the cap on claims that bounds what a hang puts in doubt.
 * The clock is a {@code MutableClock}; the client's timeout (1 s) is real. The rule under test: a
 * call that may have reached ReferralCandy is never sent again without an operator's word, unless
 * {@code CANDYBRIDGE_ON_UNCERTAIN=retry} says so. Each way of failing, one by one, and a 429 storm:
 * {@link ReferralCandyFailureClassesTest}.
 */
class UncertainOutcomesTest extends ReferralCandyFailureFixture {
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
}
