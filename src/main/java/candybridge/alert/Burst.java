package candybridge.alert;

import java.time.Duration;
import java.time.Instant;

/**
 * Alerts of one kind close together, summarised as one: the first of them, how many, and the
 * window. In-doubt deliveries gather into one; failed deliveries after the first of a minute do.
 * {@code closed} marks a burst to send now whatever the time (at shutdown).
 */
record Burst(DeliveryAlert first, int count, Instant from, Instant to, boolean closed) {
  static Burst first(DeliveryAlert d, Instant at) {
    return new Burst(d, 1, at, at, false);
  }

  Burst plus(Instant at) {
    return new Burst(first, count + 1, from, at.isAfter(to) ? at : to, closed);
  }

  Burst asClosed() {
    return new Burst(first, count, from, to, true);
  }

  /** Over when {@code quiet} passed since the last one, or {@code max} since the first. */
  boolean endedBy(Instant now, Duration quiet, Duration max) {
    return closed || !now.isBefore(to.plus(quiet)) || !now.isBefore(from.plus(max));
  }

  /** "at T" for one, "between T1 and T2" for more. */
  String window() {
    return count == 1 ? "at " + from : "between " + from + " and " + to;
  }
}
