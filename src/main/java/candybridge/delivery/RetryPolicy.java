package candybridge.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try again. The schedule is data: one delay per retry ({@code CANDYBRIDGE_RETRY_SCHEDULE}),
 * each spread by ±{@value #JITTER_PERCENT}% jitter so that a burst of failures does not come back
 * as a burst. A {@code Retry-After} from ReferralCandy is honoured: the delay is never shorter than
 * it (capped at a day, so a bogus header cannot park a sale for ever).
 */
public final class RetryPolicy {
  static final int JITTER_PERCENT = 10;
  static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

  private final List<Duration> schedule;
  private final DoubleSupplier random;

  /** @param random uniform values in [0, 1); the jitter source, injected so tests are exact */
  public RetryPolicy(List<Duration> schedule, DoubleSupplier random) {
    this.schedule = List.copyOf(schedule);
    this.random = random;
  }

  /** How many retries follow the first attempt. */
  public int retries() {
    return schedule.size();
  }

  /**
   * The delay before the next attempt after attempt number {@code attemptsMade} failed in a
   * retryable way, or empty when the schedule is used up and the delivery fails.
   */
  public Optional<Duration> delayAfter(int attemptsMade, Optional<Duration> retryAfter) {
    if (attemptsMade < 1 || attemptsMade > schedule.size()) {
      return Optional.empty();
    }
    Duration base = schedule.get(attemptsMade - 1);
    double factor = 1 + (random.getAsDouble() * 2 - 1) * JITTER_PERCENT / 100.0;
    Duration jittered = Duration.ofMillis(Math.round(base.toMillis() * factor));
    Duration floor =
        retryAfter.map(r -> r.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : r).orElse(Duration.ZERO);
    return Optional.of(jittered.compareTo(floor) >= 0 ? jittered : floor);
  }
}
