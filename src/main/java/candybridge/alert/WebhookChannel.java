package candybridge.alert;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * POSTs the alert's JSON to {@code CANDYBRIDGE_ALERT_WEBHOOK_URL}. The body's {@code text} field
 * makes it a Slack or Mattermost incoming-webhook message as it is. The URL is never logged: chat
 * webhooks carry their token in the path.
 */
final class WebhookChannel implements AlertChannel {
  private final URI url;
  private final Duration timeout;
  private final HttpClient http;

  WebhookChannel(URI url, Duration timeout) {
    this.url = requireNonNull(url, "url == null");
    this.timeout = requireNonNull(timeout, "timeout == null");
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public String via() {
    return "to the alert webhook";
  }

  @Override
  public Optional<String> send(AlertSender.Outgoing alert) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "candybridge-alerts")
            .POST(HttpRequest.BodyPublishers.ofString(alert.json(), StandardCharsets.UTF_8))
            .build();
    try {
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      return status / 100 == 2 ? Optional.empty() : Optional.of("HTTP " + status);
    } catch (IOException e) {
      // The exception text may name the URL; the class says enough (timeout, refused, reset).
      return Optional.of(e.getClass().getSimpleName());
    }
  }
}
