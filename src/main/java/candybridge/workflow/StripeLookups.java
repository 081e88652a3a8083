package candybridge.workflow;

import candybridge.stripe.StripeApi;
import candybridge.stripe.StripeCustomer;
import candybridge.stripe.StripeUnavailableException;
import java.util.Optional;

/** Workflow lookups answered by Stripe's API (the delivery worker's, and dry-run's with a key). */
public final class StripeLookups implements Lookups {
  private final StripeApi api;

  public StripeLookups(StripeApi api) {
    this.api = api;
  }

  /** No API key configured: lookup sources are skipped, and say so in blocked reasons. */
  public static Lookups none() {
    return new Lookups() {
      @Override
      public Optional<String> find(Kind kind, String id) {
        throw new IllegalStateException("no Stripe API key: lookups are skipped, never run");
      }

      @Override
      public boolean available() {
        return false;
      }

      @Override
      public boolean deferred() {
        return false;
      }
    };
  }

  @Override
  public Optional<String> find(Kind kind, String id) throws UnavailableException {
    try {
      return switch (kind) {
        case CUSTOMER_EMAIL -> api.customer(id).flatMap(StripeCustomer::email);
        case CUSTOMER_NAME -> api.customer(id).flatMap(StripeCustomer::name);
        case PROMOTION_CODE -> api.promotionCodeText(id);
      };
    } catch (StripeUnavailableException e) {
      throw new UnavailableException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      // An id that cannot be a Stripe id (e.g. contains '/'): no such object, never a URL trick.
      return Optional.empty();
    }
  }

  @Override
  public boolean available() {
    return true;
  }

  @Override
  public boolean deferred() {
    return false;
  }
}
