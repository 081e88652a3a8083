package candybridge.stripe;

import static java.util.Objects.requireNonNull;

import candybridge.config.Secret;
import com.stripe.StripeClient;
import java.net.URI;
import java.time.Duration;

/** The one way we build a stripe-java client: our base URL, our timeouts, no hidden retries. */
final class StripeClients {
  private StripeClients() {}

  /**
   * @param timeout both the connect and the read timeout of every request
   * @throws IllegalArgumentException for a blank key or a timeout that is not positive
   */
  static StripeClient create(Secret apiKey, URI apiBase, Duration timeout) {
    requireNonNull(apiKey, "apiKey == null");
    requireNonNull(apiBase, "apiBase == null");
    requireNonNull(timeout, "timeout == null");
    if (apiKey.reveal().isBlank()) {
      throw new IllegalArgumentException("Stripe API key must not be blank");
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "Stripe timeout must be positive and fit in int millis: " + timeout);
    }
    int millis = (int) timeout.toMillis();
    String base = apiBase.toString();
    return StripeClient.builder()
        .setApiKey(apiKey.reveal())
        .setApiBase(base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
        .setConnectTimeout(millis)
        .setReadTimeout(millis)
        // Our delivery worker retries on its schedule; stripe-java must not retry underneath it.
        .setMaxNetworkRetries(0)
        .build();
  }
}
