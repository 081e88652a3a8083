package candybridge.stripe;

import candybridge.config.Secret;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.StripeException;
import com.stripe.model.StripeCollection;
import com.stripe.param.WebhookEndpointCreateParams;
import com.stripe.param.WebhookEndpointListParams;
import com.stripe.param.WebhookEndpointUpdateParams;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stripe's webhook endpoints through stripe-java, at {@code STRIPE_API_BASE}: list them, create
 * one, update one. Each change is one API call, so it happens at Stripe entirely or not at all;
 * endpoints are never deleted (that would lose their signing secret).
 */
public final class StripeWebhookEndpoints {
  static final String DESCRIPTION = "Candybridge: Stripe Checkout to ReferralCandy";
  private static final int EXCERPT = 200;

  private final StripeClient client;

  public StripeWebhookEndpoints(Secret apiKey, URI apiBase, Duration timeout) {
    this.client = StripeClients.create(apiKey, apiBase, timeout);
  }

  /** Every webhook endpoint of the key's account and mode. */
  public List<WebhookEndpoint> list() throws StripeCallException {
    try {
      List<WebhookEndpoint> out = new ArrayList<>();
      StripeCollection<com.stripe.model.WebhookEndpoint> page =
          client
              .webhookEndpoints()
              .list(WebhookEndpointListParams.builder().setLimit(100L).build());
      for (com.stripe.model.WebhookEndpoint e : page.autoPagingIterable()) {
        out.add(of(e));
      }
      return out;
    } catch (StripeException | RuntimeException e) {
      throw failure(e);
    }
  }

  /** Creates an endpoint for {@code url} sending exactly {@code events}, marked as ours. */
  public WebhookEndpoint create(String url, List<String> events) throws StripeCallException {
    try {
      return of(
          client
              .webhookEndpoints()
              .create(
                  WebhookEndpointCreateParams.builder()
                      .setUrl(url)
                      .setDescription(DESCRIPTION)
                      .putMetadata(WebhookEndpoint.MARKER_KEY, WebhookEndpoint.MARKER_VALUE)
                      // Any event type a workflow names, not only those of stripe-java's enum.
                      .putExtraParam("enabled_events", List.copyOf(events))
                      .build()));
    } catch (StripeException | RuntimeException e) {
      throw failure(e);
    }
  }

  /** Sets the endpoint's events to exactly {@code events}, enables it and marks it as ours. */
  public WebhookEndpoint update(String id, List<String> events) throws StripeCallException {
    try {
      return of(
          client
              .webhookEndpoints()
              .update(
                  id,
                  WebhookEndpointUpdateParams.builder()
                      .setDisabled(false)
                      .putMetadata(WebhookEndpoint.MARKER_KEY, WebhookEndpoint.MARKER_VALUE)
                      .putExtraParam("enabled_events", List.copyOf(events))
                      .build()));
    } catch (StripeException | RuntimeException e) {
      throw failure(e);
    }
  }

  private static WebhookEndpoint of(com.stripe.model.WebhookEndpoint e) {
    return new WebhookEndpoint(
        e.getId(),
        e.getUrl() == null ? "" : e.getUrl(),
        e.getEnabledEvents() == null ? List.of() : e.getEnabledEvents(),
        !"disabled".equals(e.getStatus()),
        e.getMetadata() == null ? Map.of() : e.getMetadata(),
        Optional.ofNullable(e.getSecret()).filter(s -> !s.isBlank()));
  }

  /** One line: Stripe's message, or the status and the start of an answer that is not Stripe's. */
  static StripeCallException failure(Exception e) {
    if (e instanceof ApiConnectionException) {
      return new StripeCallException(0, StripeJavaApi.reason(e), e);
    }
    if (e instanceof StripeException se) {
      int status = se.getStatusCode() == null ? -1 : se.getStatusCode();
      String message =
          se.getStripeError() != null && se.getStripeError().getMessage() != null
              ? se.getStripeError().getMessage()
              : se.getMessage();
      return new StripeCallException(status, "HTTP " + status + ": " + excerpt(message), e);
    }
    return new StripeCallException(
        -1, "an answer that is not Stripe's JSON: " + excerpt(e.getMessage()), e);
  }

  /** The text on one line, at most 200 characters of it. */
  public static String excerpt(String text) {
    if (text == null) {
      return "(no message)";
    }
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() <= EXCERPT ? line : line.substring(0, EXCERPT) + "…";
  }
}
