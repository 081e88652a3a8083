package candybridge.delivery;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link Store#saveEvent} did with an event.
 *
 * @param isDuplicate true when this Stripe event id was stored before; nothing changed
 * @param alreadyPlanned for a newly stored event, the planned deliveries whose dedupe key a
 *     delivery already held (planned by another event, committed first), by key: that delivery's
 *     id. Nothing new was planned for them; the event's recorded decisions say so.
 */
public record SaveResult(boolean isDuplicate, Map<String, DeliveryId> alreadyPlanned) {
  public SaveResult {
    alreadyPlanned =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(requireNonNull(alreadyPlanned, "alreadyPlanned == null")));
    if (isDuplicate && !alreadyPlanned.isEmpty()) {
      throw new IllegalArgumentException("a duplicate event plans nothing");
    }
  }

  /** Newly and durably stored, with its planned deliveries except those {@code alreadyPlanned}. */
  public static SaveResult stored(Map<String, DeliveryId> alreadyPlanned) {
    return new SaveResult(false, alreadyPlanned);
  }

  /** This Stripe event id was stored before; nothing changed. */
  public static SaveResult duplicate() {
    return new SaveResult(true, Map.of());
  }

  /** {@link #alreadyPlanned} as {@link candybridge.workflow.Plan#alreadyPlanned} takes it. */
  public Map<String, Long> alreadyPlannedIds() {
    Map<String, Long> ids = new LinkedHashMap<>();
    alreadyPlanned.forEach((key, id) -> ids.put(key, id.value()));
    return ids;
  }
}
