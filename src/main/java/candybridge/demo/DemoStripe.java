package candybridge.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Plays Stripe for the demo: signs an event body the way Stripe does ({@code Stripe-Signature:
 * t=…,v1=HMAC-SHA256(secret, "t.body")}) and POSTs it to the service's webhook over real HTTP.
 * Written here on its own rather than with our verifier's code, so the service checks a signature
 * it did not make itself.
 */
final class DemoStripe {
  private final URI webhook;
  private final String secret;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  DemoStripe(URI webhook, String secret, Clock clock) {
    this.webhook = webhook;
    this.secret = secret;
    this.clock = clock;
  }

  /** Sends one signed event; returns the service's answer (status code and JSON body). */
  HttpResponse<String> send(String payload) throws IOException, InterruptedException {
    long t = clock.instant().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(webhook)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json; charset=utf-8")
            .header("Stripe-Signature", "t=" + t + ",v1=" + hmac(t + "." + payload))
            .POST(HttpRequest.BodyPublishers.ofString(payload, UTF_8))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  private String hmac(String signed) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform must provide HmacSHA256", e);
    }
  }
}
