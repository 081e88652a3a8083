package candybridge.stripe;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The parts of a Stripe Customer we use. E-mail and name are customer data: {@code toString()}
 * shows the id only, so the record is safe to log.
 */
public record StripeCustomer(String id, Optional<String> email, Optional<String> name) {
  public StripeCustomer {
    requireNonNull(id, "id == null");
    requireNonNull(email, "email == null");
    requireNonNull(name, "name == null");
  }

  @Override
  public String toString() {
    return "StripeCustomer[id=" + id + "]";
  }
}
