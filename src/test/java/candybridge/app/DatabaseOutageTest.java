package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.testing.Fixtures;
import candybridge.testing.Poll;
import candybridge.testing.RecordedCall;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import candybridge.workflow.Workflow;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stops under a running service and comes back on the same port and data: meanwhile
 * {@code /readyz} says 503 and the webhook answers 503 {@code store_unavailable} (nothing stored,
 * so Stripe retries); afterwards both recover without a restart, and the event Stripe retries is
 * stored and delivered once.
 */
class DatabaseOutageTest {
  static final String FIXTURE = "stripe/checkout.session.completed.json";
  static final String TEMPLATE = Fixtures.read(FIXTURE);
  static final String SESSION = Fixtures.event(FIXTURE).objectId();
  static final String EVENT_ID = Fixtures.event(FIXTURE).id().value();

  /** Each database call during the outage waits for Hikari's connection timeout (3 s) first. */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void answers_503_while_postgres_is_down_and_recovers_without_a_restart() {
    long now = Clock.systemUTC().instant().getEpochSecond();
    try (RestartablePostgres pg = RestartablePostgres.start(dir.resolve("pgdata"));
        TestApp app =
            TestApp.start(
                dir,
                now,
                StripeWebhooks.SECRET,
                Map.of("CANDYBRIDGE_DATABASE_URL", pg.jdbcUrl()),
                Workflow.defaults(),
                true)) {
      String before = event("before");
      assertThat(StripeWebhooks.postSigned(app.port(), before, now).statusCode()).isEqualTo(200);
      Poll.until(
          "the sale before the outage delivered", PATIENCE, () -> isDelivered(app, "before"));
      assertThat(readyz(app).statusCode()).isEqualTo(200);

      pg.stop();

      Poll.until("/readyz reports the outage", PATIENCE, () -> readyz(app).statusCode() == 503);
      assertThat(error(readyz(app))).isEqualTo("store_unavailable");
      String during = event("during");
      HttpResponse<String> refused = StripeWebhooks.postSigned(app.port(), during, now);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(error(refused)).isEqualTo("store_unavailable");

      pg.restart();

      Poll.until("/readyz recovers", PATIENCE, () -> readyz(app).statusCode() == 200);
      // Stripe retries the refused event; it was not stored the first time.
      HttpResponse<String> retried = StripeWebhooks.postSigned(app.port(), during, now);
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
      assertThat(field(retried, "status")).isEqualTo("stored");
      Poll.until("the retried sale delivered", PATIENCE, () -> isDelivered(app, "during"));

      assertThat(app.rc.received("purchase.json"))
          .extracting(call -> call.params().get("external_reference_id"))
          .containsExactly(SESSION + "_before", SESSION + "_during");
      assertThat(app.rc.received()).allMatch(RecordedCall::signatureValid);
      Delivery retriedSale =
          app.app.store().findDeliveryByKey("purchase:" + SESSION + "_during").orElseThrow();
      assertThat(app.app.store().attempts(retriedSale.id())).hasSize(1);
      HttpResponse<String> again = StripeWebhooks.postSigned(app.port(), during, now);
      assertThat(field(again, "status")).isEqualTo("duplicate");
    }
  }

  private static String event(String suffix) {
    return TEMPLATE
        .replace(SESSION, SESSION + "_" + suffix)
        .replace(EVENT_ID, EVENT_ID + "_" + suffix);
  }

  private static boolean isDelivered(TestApp app, String suffix) {
    Optional<Delivery> d = app.app.store().findDeliveryByKey("purchase:" + SESSION + "_" + suffix);
    return d.isPresent() && d.get().status() == DeliveryStatus.DELIVERED;
  }

  private static HttpResponse<String> readyz(TestApp app) {
    return StripeWebhooks.get(app.port(), "/readyz");
  }

  /** The code of our one error shape, {@code {"error": "<code>", "detail": "…"}}. */
  private static String error(HttpResponse<String> response) {
    return field(response, "error");
  }

  private static String field(HttpResponse<String> response, String name) {
    try {
      return JSON.readTree(response.body()).path(name).asText();
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  /** An embedded PostgreSQL that can be stopped and started again on the same port and data. */
  private static final class RestartablePostgres implements AutoCloseable {
    private final Path data;
    private final int port;
    private EmbeddedPostgres server;

    private RestartablePostgres(Path data, int port) {
      this.data = data;
      this.port = port;
    }

    static RestartablePostgres start(Path data) {
      RestartablePostgres pg = new RestartablePostgres(data, freePort());
      pg.restart();
      return pg;
    }

    String jdbcUrl() {
      return server.getJdbcUrl("postgres", "postgres");
    }

    /** Starts the server on the same port and data directory (initialised on the first start). */
    void restart() {
      try {
        server =
            EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start on port " + port, e);
      }
    }

    /** Shuts the server down (fast mode: open connections are cut). */
    void stop() {
      try {
        server.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server = null;
    }

    @Override
    public void close() {
      if (server != null) {
        stop();
      }
    }

    private static int freePort() {
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
