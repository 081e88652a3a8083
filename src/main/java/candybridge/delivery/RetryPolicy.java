package candybridge.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try again. The schedule is data: one delay per retry ({@code
 * CANDYBRIDGE_RETRY_SCHEDULE}), each spread by ±{@value #JITTER_PERCENT}% jitter so that a burst of
 * failures does not come back as a burst. A {@code Retry-After} from ReferralCandy is honoured: the
 * delay is never shorter than it (capped at a day, so a bogus header cannot park a sale for ever).
 */
public final class RetryPolicy {
  static final int JITTER_PERCENT = 10;
  static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

  private final List<Duration> schedule;
  private final DoubleSupplier random;

  /**
   * @param random uniform values in [0, 1); the jitter source, injected so tests are exact
   */
  public RetryPolicy(List<Duration> schedule, DoubleSupplier random) {
    this.schedule = List.copyOf(schedule);
    this.random = random;
  }

  /**
   * The delay after a {@code 429}: its {@code Retry-After} (capped at a day), else the schedule's
   * first delay. A 429 is flow control, not a failure: the worker also pauses every sender (see
   * {@link CallGate}), so the delivery comes back as soon as ReferralCandy allows.
   */
  public Duration afterThrottle(Optional<Duration> retryAfter) {
    Duration first = schedule.isEmpty() ? Duration.ofSeconds(30) : schedule.get(0);
    return retryAfter
        .map(r -> r.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : r)
        .orElse(first);
  }

  /**
   * The whole schedule's length: a delivery throttled by 429s is retried for at least this long
   * from when it was planned, however many 429s it met.
   */
  public Duration span() {
    return schedule.stream().reduce(Duration.ZERO, Duration::plus);
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
        retryAfter
            .map(r -> r.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : r)
            .orElse(Duration.ZERO);
    return Optional.of(jittered.compareTo(floor) >= 0 ? jittered : floor);
  }
}
