package candybridge.stripe;

import candybridge.config.Secret;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.PromotionCode;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link StripeApi} over stripe-java's {@link StripeClient}. Makes exactly one HTTP request per
 * lookup: stripe-java's own retries are off because the delivery worker does the retrying. Logs
 * nothing, so neither the key nor customer data can reach a log from here. Thread-safe.
 */
public final class StripeJavaApi implements StripeApi {
  private final StripeClient client;

  /**
   * @param apiBase {@code https://api.stripe.com} in production, a local fake in tests
   * @param timeout both the connect and the read timeout of every request
   */
  public StripeJavaApi(Secret apiKey, URI apiBase, Duration timeout) {
    this.client = StripeClients.create(apiKey, apiBase, timeout);
  }

  @Override
  public Optional<StripeCustomer> customer(String customerId) throws StripeUnavailableException {
    StripeIds.require(customerId, "Customer");
    try {
      Customer customer = client.v1().customers().retrieve(customerId);
      if (Boolean.TRUE.equals(customer.getDeleted())) {
        return Optional.empty();
      }
      return Optional.of(
          new StripeCustomer(
              customerId, nonBlank(customer.getEmail()), nonBlank(customer.getName())));
    } catch (StripeException e) {
      if (isMissing(e)) {
        return Optional.empty();
      }
      throw unavailable("Customer lookup for " + customerId, e);
    } catch (RuntimeException e) { // e.g. a body that is not Stripe JSON, from a proxy
      throw unavailable("Customer lookup for " + customerId, e);
    }
  }

  @Override
  public Optional<String> promotionCodeText(String promotionCodeId)
      throws StripeUnavailableException {
    StripeIds.require(promotionCodeId, "promotion code");
    try {
      PromotionCode code = client.v1().promotionCodes().retrieve(promotionCodeId);
      return nonBlank(code.getCode());
    } catch (StripeException e) {
      if (isMissing(e)) {
        return Optional.empty();
      }
      throw unavailable("promotion code lookup for " + promotionCodeId, e);
    } catch (RuntimeException e) {
      throw unavailable("promotion code lookup for " + promotionCodeId, e);
    }
  }

  /**
   * Only Stripe's own "no such object" counts as absent; a 404 without {@code resource_missing}
   * (say, a wrong API base behind a proxy) is a failure to retry, not a missing object.
   */
  private static boolean isMissing(StripeException e) {
    return e instanceof InvalidRequestException
        && Integer.valueOf(404).equals(e.getStatusCode())
        && "resource_missing".equals(e.getCode());
  }

  private static StripeUnavailableException unavailable(String lookup, Exception e) {
    return new StripeUnavailableException(
        "Stripe did not answer the " + lookup + ": " + reason(e), e);
  }

  /**
   * A short reason built from types, status and codes only: Stripe's message text is left to the
   * cause.
   */
  static String reason(Exception e) {
    if (e instanceof ApiConnectionException) {
      Throwable cause = e.getCause();
      if (cause instanceof SocketTimeoutException) {
        return "timeout";
      }
      if (cause instanceof ConnectException) {
        return "cannot connect";
      }
      return "network error" + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")");
    }
    if (!(e instanceof StripeException)) {
      return "unexpected " + e.getClass().getSimpleName();
    }
    StripeException se = (StripeException) e;
    // PermissionException extends AuthenticationException, so it is tested first.
    String kind =
        se instanceof PermissionException
            ? "permission denied"
            : se instanceof AuthenticationException
                ? "API key rejected"
                : se instanceof RateLimitException
                    ? "rate limited"
                    : se.getCode() != null
                        ? se.getCode()
                        : se.getStripeError() != null && se.getStripeError().getType() != null
                            ? se.getStripeError().getType()
                            : se.getClass().getSimpleName();
    String status = se.getStatusCode() == null ? "" : "HTTP " + se.getStatusCode() + " ";
    String request = se.getRequestId() == null ? "" : " (request " + se.getRequestId() + ")";
    return status + kind + request;
  }

  private static Optional<String> nonBlank(String value) {
    return Optional.ofNullable(value).filter(v -> !v.isBlank());
  }
}
