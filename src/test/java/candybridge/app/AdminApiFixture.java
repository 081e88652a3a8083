package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.testing.Fixtures;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the admin API tests share: a fresh service with an admin token for each test, sales posted
 * to it as signed webhooks, and calls to the API over real HTTP. The test classes extend it, so
 * each test reads as a story against one service ({@code sale}, {@code ok}, {@code call}).
 */
abstract class AdminApiFixture {
  static final String TOKEN = "admin-token-for-tests-0123456789";
  static final long NOW = 1_789_466_700L;
  static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  static final String SESSION = Fixtures.event("stripe/checkout.session.completed.json").objectId();
  static final String EVENT = Fixtures.event("stripe/checkout.session.completed.json").id().value();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  TestApp t;

  @BeforeEach
  void start() {
    t = TestApp.start(dir, NOW, StripeWebhooks.SECRET, Map.of("CANDYBRIDGE_ADMIN_TOKEN", TOKEN));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  /** Posts sale number i (its own event and session id) and returns the session id. */
  String sale(int i) {
    String session = SESSION + "_" + i;
    String body =
        TEMPLATE
            .replace(SESSION, session)
            .replace(EVENT, EVENT + "_" + i)
            .replace("jenny.rosen@example.com", "buyer" + i + "@example.com");
    assertThat(
            StripeWebhooks.postSigned(t.port(), body, t.clock.instant().getEpochSecond())
                .statusCode())
        .isEqualTo(200);
    return session;
  }

  Delivery delivery(String session) {
    return t.app.store().findDeliveryByKey("purchase:" + session).orElseThrow();
  }

  HttpResponse<String> call(String method, String path, String authorization) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) b.header("Authorization", authorization);
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonNode ok(String method, String path) {
    HttpResponse<String> r = call(method, path, "Bearer " + TOKEN);
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
    return json(r.body());
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
