package candybridge.delivery;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Which deliveries to list or replay: any status of {@code statuses} (empty = all), the event type,
 * the workflow, created in [{@code from}, {@code to}), and {@code search} equal to a whole value,
 * never a part of one: the event id, the event's object (session) id, the dedupe key or its end
 * after a {@code :}, or the call's {@code email} or {@code customer_email} parameter.
 */
public record DeliveryQuery(
    Set<DeliveryStatus> statuses,
    Optional<String> eventType,
    Optional<String> workflow,
    Optional<Instant> from,
    Optional<Instant> to,
    Optional<String> search) {
  public DeliveryQuery {
    statuses = Set.copyOf(statuses);
  }

  public static DeliveryQuery all() {
    return new DeliveryQuery(
        Set.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  public DeliveryQuery withStatuses(Set<DeliveryStatus> s) {
    return new DeliveryQuery(s, eventType, workflow, from, to, search);
  }
}
