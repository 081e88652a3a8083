package candybridge.history;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryQuery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Read-only questions an operator asks: what arrived, what was planned, what happened. Shared by
 * the admin API and the CLI. Cursors are opaque strings; limits are capped at {@value #MAX_LIMIT}.
 */
public interface History {
  int MAX_LIMIT = 500;

  Page<EventRecord> events(EventQuery query, Optional<String> cursor, int limit);

  Optional<EventRecord> event(String eventId);

  Page<Delivery> deliveries(DeliveryQuery query, Optional<String> cursor, int limit);

  /** Deliveries created since {@code since}, counted per hour and current status. */
  List<HourlyCount> hourly(Instant since);
}
