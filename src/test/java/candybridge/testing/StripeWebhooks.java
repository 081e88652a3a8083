package candybridge.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs and posts Stripe webhooks the way Stripe does, for tests. */
public final class StripeWebhooks {
  public static final String SECRET = "whsec_candybridge_test_secret";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private StripeWebhooks() {}

  /** {@code t=<timestamp>,v1=<hex hmac>} over the exact bytes. */
  public static String sign(byte[] payload, String secret, long timestamp) {
    return "t=" + timestamp + ",v1=" + hmacHex(payload, secret, timestamp);
  }

  public static String sign(String payload, String secret, long timestamp) {
    return sign(payload.getBytes(UTF_8), secret, timestamp);
  }

  public static String hmacHex(byte[] payload, String secret, long timestamp) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(payload));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Posts a body with the given Stripe-Signature header (null: none). */
  public static HttpResponse<String> post(int port, byte[] body, String signatureHeader) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/stripe"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signatureHeader != null) {
      request.header("Stripe-Signature", signatureHeader);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Signs {@code body} with {@link #SECRET} at {@code timestamp} and posts it. */
  public static HttpResponse<String> postSigned(int port, String body, long timestamp) {
    byte[] bytes = body.getBytes(UTF_8);
    return post(port, bytes, sign(bytes, SECRET, timestamp));
  }

  public static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
