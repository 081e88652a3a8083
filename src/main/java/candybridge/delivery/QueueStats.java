package candybridge.delivery;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One reading of the delivery queue, taken by the store in one query round.
 *
 * @param byStatus deliveries per status; a status that is absent counts as zero
 * @param dueNow pending deliveries whose next attempt is due at the reading's "now"
 * @param oldestDueAge how long the most overdue pending delivery has been due ({@code now -
 *     min(next_attempt_at)} over the due ones); empty when nothing is due
 */
public record QueueStats(
    Map<DeliveryStatus, Long> byStatus, long dueNow, Optional<Duration> oldestDueAge) {
  public QueueStats {
    byStatus = Map.copyOf(requireNonNull(byStatus, "byStatus == null"));
    if (dueNow < 0) throw new IllegalArgumentException("dueNow < 0");
    requireNonNull(oldestDueAge, "oldestDueAge == null");
  }

  /** An empty queue. */
  public static QueueStats empty() {
    return new QueueStats(Map.of(), 0, Optional.empty());
  }

  /** The number of deliveries in {@code status}, zero when absent. */
  public long count(DeliveryStatus status) {
    return byStatus.getOrDefault(status, 0L);
  }
}
