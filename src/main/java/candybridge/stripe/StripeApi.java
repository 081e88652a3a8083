package candybridge.stripe;

import java.util.Optional;

/**
 * Seam to Stripe's REST API, for the data a webhook lacks. Implementations are thread-safe.
 *
 * <p>Ids are validated loosely (non-blank, no {@code /}, whitespace or other path and query
 * characters) so that an id taken from an event can never change the request path; a bad id throws
 * {@link IllegalArgumentException}.
 */
public interface StripeApi {
  /**
   * The Customer, or empty when Stripe says it does not exist (404 {@code resource_missing}) or it
   * is deleted ({@code "deleted": true}).
   *
   * @throws StripeUnavailableException when Stripe could not answer (network, timeout, 429, 5xx,
   *     authentication); the caller retries later
   */
  Optional<StripeCustomer> customer(String customerId) throws StripeUnavailableException;

  /**
   * The promotion code's customer-facing text (its {@code code} field, e.g. {@code AUTUMN25}) for a
   * {@code promo_…} id, or empty when it does not exist.
   *
   * @throws StripeUnavailableException as for {@link #customer(String)}
   */
  Optional<String> promotionCodeText(String promotionCodeId) throws StripeUnavailableException;
}
