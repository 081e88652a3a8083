package candybridge.history;

import candybridge.delivery.DeliveryStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Which deliveries to list or replay: any status of {@code statuses} (empty = all), the event
 * type, the workflow, created in [{@code from}, {@code to}), and {@code search} matching the
 * session or event id, the dedupe key or the customer's e-mail address exactly.
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
    return new DeliveryQuery(Set.of(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  public DeliveryQuery withStatuses(Set<DeliveryStatus> s) {
    return new DeliveryQuery(s, eventType, workflow, from, to, search);
  }
}
