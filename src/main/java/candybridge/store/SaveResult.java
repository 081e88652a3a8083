package candybridge.store;

/** What {@link Store#saveEvent} did with an event. */
public enum SaveResult {
  /** Newly and durably stored, with its planned deliveries. */
  STORED,
  /** This Stripe event id was stored before; nothing changed. */
  DUPLICATE
}
