package candybridge.stripe;

import static java.util.Objects.requireNonNull;

/** A Stripe event id ({@code evt_…}); the ingress deduplication key. */
public record StripeEventId(String value) {
  public StripeEventId {
    requireNonNull(value, "value == null");
    if (value.isBlank()) {
      throw new IllegalArgumentException("Stripe event id must not be blank");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
