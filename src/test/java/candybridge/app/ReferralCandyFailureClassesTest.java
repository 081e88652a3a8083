package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Attempt;
import candybridge.delivery.CallGate;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Verdict;
import candybridge.testing.FlakyReferralCandy;
import candybridge.testing.FlakyReferralCandy.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Outage suite, each way a call to ReferralCandy can fail, played by a fake that really does it, is
 * classed as docs/design.md §6 says (in doubt, or retried); and a 429 storm with Retry-After is
 * flow control: it fails nothing and sends nothing twice. The calls that time out or hang: {@link
 * UncertainOutcomesTest}.
 */
class ReferralCandyFailureClassesTest extends ReferralCandyFailureFixture {
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
}
