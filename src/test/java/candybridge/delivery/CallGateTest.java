package candybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.CallGate.State;
import candybridge.referralcandy.NoAnswerException;
import candybridge.referralcandy.NotSentException;
import candybridge.referralcandy.RcResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The breaker and flow control, driven by outcomes and a clock the test holds. */
class CallGateTest {
  private static final Instant T0 = Instant.parse("2026-12-04T14:00:00Z");
  private static final AttemptOutcome OK =
      AttemptOutcome.of(RcResponse.of(200, "{\"message\":\"Success\"}"), T0);
  private static final AttemptOutcome REJECTED =
      AttemptOutcome.of(RcResponse.of(400, "{\"message\":\"bad\"}"), T0);
  private static final AttemptOutcome NO_ANSWER =
      AttemptOutcome.of(
          new NoAnswerException("no answer", T0, true, null), T0, Duration.ofSeconds(10));
  private static final AttemptOutcome REFUSED =
      AttemptOutcome.of(new NotSentException("refused", null), T0, Duration.ZERO);

  private final List<String> events = new ArrayList<>();
  private final CallGate gate =
      new CallGate(
          16,
          Duration.ofSeconds(30),
          new CallGate.Listener() {
            @Override
            public void stateChanged(State from, State to, String why) {
              events.add(from.wireName() + "->" + to.wireName());
            }

            @Override
            public void limitChanged(int limit) {
              events.add("limit " + limit);
            }

            @Override
            public void probeFailed(String what, Duration next) {
              events.add("probe failed, next in " + next.toSeconds());
            }
          });

  private static AttemptOutcome throttled(Duration retryAfter) {
    return AttemptOutcome.of(new RcResponse(429, "{}", Optional.ofNullable(retryAfter)), T0);
  }

  @Test
  void never_hands_out_more_permits_than_the_cap() {
    assertThat(gate.acquire(64, T0)).isEqualTo(16);
    assertThat(gate.acquire(1, T0)).isZero();
    gate.release(6);
    assertThat(gate.acquire(64, T0)).isEqualTo(6);
    long g = gate.generation();
    gate.finished(OK, g, T0);
    assertThat(gate.acquire(64, T0)).isEqualTo(1);
    assertThat(gate.inFlight()).isEqualTo(16);
  }

  @Test
  void a_429_halves_the_limit_once_per_generation_and_pauses_every_sender_until_retry_after() {
    assertThat(gate.acquire(16, T0)).isEqualTo(16);
    long g = gate.generation();
    for (int i = 0; i < 16; i++) {
      gate.finished(throttled(Duration.ofSeconds(7)), g, T0);
    }
    assertThat(gate.limit()).as("16 answers to one burst are one signal").isEqualTo(8);
    assertThat(gate.acquire(1, T0.plusSeconds(6))).as("paused").isZero();
    assertThat(gate.pausedUntil(T0)).contains(T0.plusSeconds(7));
    assertThat(gate.acquire(16, T0.plusSeconds(7))).isEqualTo(8);
    long g2 = gate.generation();
    gate.finished(throttled(null), g2, T0.plusSeconds(8));
    assertThat(gate.limit()).isEqualTo(4);
    assertThat(gate.pausedUntil(T0.plusSeconds(8)))
        .as("no Retry-After: the schedule's first delay")
        .contains(T0.plusSeconds(38));
    assertThat(gate.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void answers_raise_the_limit_step_by_step_back_to_the_cap() {
    gate.acquire(16, T0);
    long g = gate.generation();
    gate.finished(throttled(Duration.ofSeconds(1)), g, T0);
    gate.release(15);
    assertThat(gate.limit()).isEqualTo(8);
    Instant later = T0.plusSeconds(2);
    for (int i = 0; i < 20; i++) {
      assertThat(gate.acquire(1, later)).isEqualTo(1);
      gate.finished(OK, gate.generation(), later);
    }
    assertThat(gate.limit()).isEqualTo(16);
    assertThat(events).containsSubsequence("limit 8", "limit 9", "limit 16");
  }

  @Test
  void a_huge_retry_after_pauses_the_senders_two_minutes_at_most() {
    gate.acquire(1, T0);
    gate.finished(throttled(Duration.ofHours(5)), gate.generation(), T0);
    assertThat(gate.pausedUntil(T0)).contains(T0.plus(CallGate.MAX_PAUSE));
  }

  @Test
  void three_outage_signs_in_a_row_open_the_breaker_and_no_new_call_starts() {
    gate.acquire(16, T0);
    long g = gate.generation();
    gate.finished(NO_ANSWER, g, T0);
    assertThat(gate.limit()).as("halved at the first sign").isEqualTo(8);
    assertThat(gate.acquire(16, T0)).as("15 still in flight, over the halved limit").isZero();
    gate.finished(REFUSED, g, T0);
    assertThat(gate.state()).isEqualTo(State.CLOSED);
    gate.finished(NO_ANSWER, g, T0.plusSeconds(1));
    assertThat(gate.state()).isEqualTo(State.OPEN);
    assertThat(events).contains("closed->open");
    for (int i = 0; i < 13; i++) {
      gate.finished(NO_ANSWER, g, T0.plusSeconds(1));
    }
    assertThat(gate.inFlight()).isZero();
    assertThat(gate.acquire(16, T0.plusSeconds(2))).as("open: nothing starts").isZero();
    assertThat(gate.probeDue(T0.plusSeconds(5))).isFalse();
    assertThat(gate.nextProbeAt()).contains(T0.plusSeconds(6));
  }

  @Test
  void an_answer_in_between_resets_the_count() {
    gate.acquire(16, T0);
    gate.finished(NO_ANSWER, gate.generation(), T0);
    gate.finished(NO_ANSWER, gate.generation(), T0);
    gate.finished(REJECTED, gate.generation(), T0);
    gate.finished(NO_ANSWER, gate.generation(), T0);
    gate.finished(NO_ANSWER, gate.generation(), T0);
    assertThat(gate.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void probes_back_off_from_five_seconds_doubling_to_two_minutes_then_one_call_goes_first() {
    open();
    Instant t = T0;
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Instant due = gate.nextProbeAt().orElseThrow();
      delays.add(Duration.between(t, due).toSeconds());
      assertThat(gate.probeDue(due.minusMillis(1))).isFalse();
      assertThat(gate.probeDue(due)).isTrue();
      assertThat(gate.probeDue(due)).as("one probe at a time").isFalse();
      gate.probed(false, due, "verify.json answered 503");
      t = due;
    }
    assertThat(delays).containsExactly(5L, 10L, 20L, 40L, 80L, 120L, 120L);

    Instant due = gate.nextProbeAt().orElseThrow();
    assertThat(gate.probeDue(due)).isTrue();
    gate.probed(true, due, "verify.json answered 200");
    assertThat(gate.state()).isEqualTo(State.HALF_OPEN);
    assertThat(gate.acquire(16, due)).as("one call first").isEqualTo(1);
    assertThat(gate.acquire(16, due)).isZero();
    gate.finished(OK, gate.generation(), due);
    assertThat(gate.state()).isEqualTo(State.CLOSED);
    assertThat(gate.limit()).as("climbs from 1").isEqualTo(1);
    gate.acquire(1, due);
    gate.finished(OK, gate.generation(), due);
    assertThat(gate.limit()).isEqualTo(2);
    assertThat(events).containsSubsequence("closed->open", "open->half_open", "half_open->closed");
  }

  @Test
  void a_trial_call_that_fails_opens_the_breaker_again_with_the_next_delay() {
    open();
    Instant due = gate.nextProbeAt().orElseThrow();
    gate.probeDue(due);
    gate.probed(true, due, "200");
    assertThat(gate.acquire(1, due)).isEqualTo(1);
    gate.finished(NO_ANSWER, gate.generation(), due);
    assertThat(gate.state()).isEqualTo(State.OPEN);
    assertThat(gate.nextProbeAt()).contains(due.plusSeconds(10));
  }

  @Test
  void outcomes_without_a_call_teach_nothing() {
    gate.acquire(16, T0);
    for (int i = 0; i < 5; i++) {
      gate.finished(
          AttemptOutcome.noCall(Verdict.RETRY, "waiting for Stripe"), gate.generation(), T0);
    }
    assertThat(gate.state()).isEqualTo(State.CLOSED);
    assertThat(gate.limit()).isEqualTo(16);
  }

  private void open() {
    gate.acquire(3, T0);
    for (int i = 0; i < 3; i++) {
      gate.finished(NO_ANSWER, gate.generation(), T0);
    }
    assertThat(gate.state()).isEqualTo(State.OPEN);
  }
}
