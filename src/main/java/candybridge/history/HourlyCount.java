package candybridge.history;

import candybridge.delivery.DeliveryStatus;
import java.time.Instant;

/** How many deliveries planned in one hour stand in one status now (the admin chart). */
public record HourlyCount(Instant hour, DeliveryStatus status, long count) {}
