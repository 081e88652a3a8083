package candybridge.delivery;

import static java.util.Objects.requireNonNull;

import candybridge.referralcandy.RcCall;
import candybridge.stripe.StripeEventId;
import java.time.Instant;
import java.util.Optional;

/**
 * One planned ReferralCandy call and where it stands. {@code version} guards claims; {@code
 * needsLookup} says the worker must complete the parameters from Stripe's API before sending;
 * {@code manual} that an operator asked for the next attempt (replay), which is not retried.
 */
public record Delivery(
    DeliveryId id,
    String workflow,
    String dedupeKey,
    StripeEventId eventId,
    RcCall call,
    DeliveryStatus status,
    int attemptCount,
    Optional<Instant> nextAttemptAt,
    Optional<String> lastError,
    long version,
    boolean needsLookup,
    boolean manual,
    Instant createdAt,
    Instant updatedAt) {
  public Delivery {
    requireNonNull(id, "id == null");
    requireNonNull(workflow, "workflow == null");
    requireNonNull(dedupeKey, "dedupeKey == null");
    requireNonNull(eventId, "eventId == null");
    requireNonNull(call, "call == null");
    requireNonNull(status, "status == null");
    requireNonNull(nextAttemptAt, "nextAttemptAt == null");
    requireNonNull(lastError, "lastError == null");
    requireNonNull(createdAt, "createdAt == null");
    requireNonNull(updatedAt, "updatedAt == null");
  }

  /** The business parameters are customer data: never print them. */
  @Override
  public String toString() {
    return "Delivery[id="
        + id
        + ", workflow="
        + workflow
        + ", key="
        + dedupeKey
        + ", event="
        + eventId
        + ", status="
        + status
        + ", attempts="
        + attemptCount
        + "]";
  }
}
