package candybridge.delivery;

import candybridge.config.OnUncertain;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What an attempt's outcome does to its delivery: delivered, failed, held in doubt, or pending
 * again on the retry schedule. An operator's replay ({@link Delivery#manual()}) is one attempt and
 * never retried or resent on its own; a call that may have been processed is held unless {@code
 * CANDYBRIDGE_ON_UNCERTAIN=retry}.
 */
final class NextStep {
  private final RetryPolicy retryPolicy;
  private final OnUncertain onUncertain;
  private final Clock clock;

  NextStep(RetryPolicy retryPolicy, OnUncertain onUncertain, Clock clock) {
    this.retryPolicy = retryPolicy;
    this.onUncertain = onUncertain;
    this.clock = clock;
  }

  /** Where an attempt leaves the delivery: its status, when to try again, and the error kept. */
  record Transition(DeliveryStatus status, Optional<Instant> at, Optional<String> error) {}

  /** Where this attempt of {@code d}, its {@code number}th, leaves it. */
  Transition after(Delivery d, AttemptOutcome outcome, int number) {
    Optional<String> error = outcome.error();
    return switch (outcome.verdict()) {
      case DELIVERED -> new Transition(DeliveryStatus.DELIVERED, Optional.empty(), error);
      case FAIL -> new Transition(DeliveryStatus.FAILED, Optional.empty(), error);
      case IN_DOUBT -> {
        if (onUncertain == OnUncertain.HOLD || d.manual()) {
          // Held for an operator: ReferralCandy may have it, and does not deduplicate.
          yield new Transition(DeliveryStatus.IN_DOUBT, Optional.empty(), error);
        }
        yield retry(
            d, outcome, number, error.map(e -> e + "; resent (CANDYBRIDGE_ON_UNCERTAIN=retry)"));
      }
      case RETRY -> {
        if (d.manual()) {
          // An operator's replay is one attempt: if it fails, the operator decides again.
          yield new Transition(
              DeliveryStatus.FAILED,
              Optional.empty(),
              Optional.of("replay failed, not retried automatically: " + error.orElse("?")));
        }
        yield retry(d, outcome, number, error);
      }
    };
  }

  /**
   * The next attempt on the schedule, or failed when it is used up. A 429 comes back when
   * ReferralCandy allows and gives up only once the delivery is older than the whole schedule.
   */
  private Transition retry(Delivery d, AttemptOutcome outcome, int number, Optional<String> error) {
    Instant now = clock.instant();
    Optional<Duration> delay;
    if (outcome.transport() == AttemptOutcome.Transport.THROTTLED) {
      delay =
          now.isBefore(d.createdAt().plus(retryPolicy.span()))
              ? Optional.of(retryPolicy.afterThrottle(outcome.retryAfter()))
              : Optional.empty();
    } else {
      delay = retryPolicy.delayAfter(number, outcome.retryAfter());
    }
    return delay.isPresent()
        ? new Transition(DeliveryStatus.PENDING, Optional.of(now.plus(delay.get())), error)
        : new Transition(
            DeliveryStatus.FAILED,
            Optional.empty(),
            Optional.of("gave up after " + number + " attempts; last: " + error.orElse("?")));
  }
}
