package candybridge.stripe;

/**
 * Stripe could not answer a lookup (network, timeout, rate limit, server error, rejected key). The
 * message says which lookup failed and how, and never holds the API key or customer data; the cause
 * is kept.
 */
public final class StripeUnavailableException extends Exception {
  public StripeUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
