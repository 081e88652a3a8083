package candybridge.alert;

import static java.util.Objects.requireNonNull;

import candybridge.text.UntrustedText;

/**
 * What an alert says about one delivery. Carries ids and an e-mail-free reason only, never the
 * call's parameters; {@link #scrubbed()} is applied before anything is sent or logged anyway,
 * because a custom workflow's dedupe key or an upstream error text could hold an address.
 */
public record DeliveryAlert(
    long deliveryId,
    String workflow,
    String dedupeKey,
    String eventId,
    String status,
    String reason,
    int attempts) {
  static final String EMAIL_REMOVED = UntrustedText.EMAIL_MASK;

  public DeliveryAlert {
    requireNonNull(workflow, "workflow == null");
    requireNonNull(dedupeKey, "dedupeKey == null");
    requireNonNull(eventId, "eventId == null");
    requireNonNull(status, "status == null");
    requireNonNull(reason, "reason == null");
    if (attempts < 0) throw new IllegalArgumentException("attempts < 0");
  }

  /** This alert with anything that looks like an e-mail address replaced in every text field. */
  DeliveryAlert scrubbed() {
    return new DeliveryAlert(
        deliveryId,
        scrub(workflow),
        scrub(dedupeKey),
        scrub(eventId),
        scrub(status),
        scrub(reason),
        attempts);
  }

  /** Logged records must not leak an address either. */
  @Override
  public String toString() {
    DeliveryAlert s = scrubbed();
    return "DeliveryAlert[delivery="
        + s.deliveryId
        + ", workflow="
        + s.workflow
        + ", key="
        + s.dedupeKey
        + ", event="
        + s.eventId
        + ", status="
        + s.status
        + ", reason="
        + s.reason
        + ", attempts="
        + s.attempts
        + "]";
  }

  static String scrub(String text) {
    return UntrustedText.masked(text);
  }
}
