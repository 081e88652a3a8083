package candybridge.store;

import candybridge.delivery.DeliveryStatus;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The delivery queue at one moment: per status, how many are due now, and the oldest due's age. */
public record QueueStats(
    Map<DeliveryStatus, Long> byStatus, long dueNow, Optional<Duration> oldestDueAge) {
  public QueueStats {
    byStatus = Map.copyOf(byStatus);
  }

  public long count(DeliveryStatus status) {
    return byStatus.getOrDefault(status, 0L);
  }
}
