package candybridge.alert;

import java.time.Duration;
import java.time.Instant;

/**
 * Deliveries that went in doubt close together, summarised as one alert: the first of them, how
 * many, and the window. {@code closed} marks a burst to send now whatever the time (at shutdown).
 */
record InDoubtBurst(DeliveryAlert first, int count, Instant from, Instant to, boolean closed) {
  static InDoubtBurst first(DeliveryAlert d, Instant at) {
    return new InDoubtBurst(d, 1, at, at, false);
  }

  InDoubtBurst plus(Instant at) {
    return new InDoubtBurst(first, count + 1, from, at.isAfter(to) ? at : to, closed);
  }

  InDoubtBurst asClosed() {
    return new InDoubtBurst(first, count, from, to, true);
  }

  /** Over when {@code quiet} passed since the last one, or {@code max} since the first. */
  boolean endedBy(Instant now, Duration quiet, Duration max) {
    return closed || !now.isBefore(to.plus(quiet)) || !now.isBefore(from.plus(max));
  }
}
