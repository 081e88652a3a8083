package candybridge.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.Fixtures;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests no one but Stripe should be able to make: each gets its documented status and a JSON
 * error, nothing is stored or sent, and the service keeps serving the next real event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
  static final long NOW = 1_789_466_660L;
  static final String EVENT = Fixtures.read("stripe/checkout.session.completed.json");
  static final byte[] BYTES = EVENT.getBytes(UTF_8);
  static final String SECRET = StripeWebhooks.SECRET;

  TestApp t;

  @BeforeAll
  void start(@TempDir Path dir) {
    t = TestApp.start(dir, NOW);
  }

  @AfterAll
  void stop() {
    t.close();
  }

  static String sig(byte[] body, long timestamp) {
    return StripeWebhooks.sign(body, SECRET, timestamp);
  }

  static Stream<Arguments> hostile() {
    String good = StripeWebhooks.hmacHex(BYTES, SECRET, NOW);
    byte[] deep = ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(UTF_8);
    byte[] deepObject = ("{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000)).getBytes(UTF_8);
    byte[] notJson = "this is not json".getBytes(UTF_8);
    byte[] truncated = Arrays.copyOf(BYTES, BYTES.length / 2);
    byte[] notEvent = "{\"id\":\"cs_123\",\"object\":\"checkout.session\"}".getBytes(UTF_8);
    byte[] noData =
        "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"checkout.session.completed\",\"created\":1}"
            .getBytes(UTF_8);
    byte[] badUtf8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
    byte[] changed = EVENT.replace("\"amount_total\": 3000", "\"amount_total\": 3").getBytes(UTF_8);
    return Stream.of(
        Arguments.of("missing signature header", BYTES, null, 400, "missing_signature"),
        Arguments.of("empty signature header", BYTES, "", 400, "missing_signature"),
        Arguments.of("garbage signature header", BYTES, "garbage;;==,", 400, "invalid_signature"),
        Arguments.of("non-numeric timestamp", BYTES, "t=abc,v1=" + good, 400, "invalid_signature"),
        Arguments.of(
            "wrong secret",
            BYTES,
            StripeWebhooks.sign(BYTES, "whsec_wrong", NOW),
            400,
            "invalid_signature"),
        Arguments.of(
            "stale timestamp", BYTES, sig(BYTES, NOW - 301), 400, "timestamp_out_of_tolerance"),
        Arguments.of(
            "far-future timestamp",
            BYTES,
            sig(BYTES, NOW + 301),
            400,
            "timestamp_out_of_tolerance"),
        Arguments.of("v0 only", BYTES, "t=" + NOW + ",v0=" + good, 400, "invalid_signature"),
        Arguments.of(
            "body changed after signing", changed, sig(BYTES, NOW), 400, "invalid_signature"),
        Arguments.of("non-JSON body", notJson, sig(notJson, NOW), 400, "invalid_event"),
        Arguments.of("truncated JSON", truncated, sig(truncated, NOW), 400, "invalid_event"),
        Arguments.of("100,000 nested arrays", deep, sig(deep, NOW), 400, "invalid_event"),
        Arguments.of(
            "100,000 nested objects", deepObject, sig(deepObject, NOW), 400, "invalid_event"),
        Arguments.of(
            "JSON that is not an event", notEvent, sig(notEvent, NOW), 400, "invalid_event"),
        Arguments.of("event without data.object", noData, sig(noData, NOW), 400, "invalid_event"),
        Arguments.of("invalid UTF-8", badUtf8, sig(badUtf8, NOW), 400, "invalid_event"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void rejects_with_a_json_error_and_changes_nothing(
      String name, byte[] body, String header, int status, String code) throws SQLException {
    HttpResponse<String> response = StripeWebhooks.post(t.port(), body, header);
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).contains("application/json"));
    assertThat(response.body()).contains("\"error\":\"" + code + "\"").contains("\"detail\":\"");
    assertNothingStoredOrSent();
  }

  @Test
  void a_two_mebibyte_body_gets_413() throws SQLException {
    byte[] big = new byte[2 * 1024 * 1024];
    Arrays.fill(big, (byte) ' ');
    big[0] = '{';
    big[big.length - 1] = '}';
    HttpResponse<String> response = StripeWebhooks.post(t.port(), big, sig(big, NOW));
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("\"error\":\"payload_too_large\"");
    assertNothingStoredOrSent();
  }

  @Test
  void wrong_methods_and_routes_get_json_errors() {
    HttpResponse<String> get = StripeWebhooks.get(t.port(), "/webhooks/stripe");
    assertThat(get.statusCode()).isIn(404, 405);
    assertThat(get.body()).contains("\"error\":");
  }

  /** Jetty would answer these 505 before any route runs; a version we do not speak is a 400. */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "POST /webhooks/stripe HTTP/9.9",
        "GET /healthz HTTP/2.5",
        "GET /healthz HTTP/1.9",
        "GET /healthz",
        "POST /webhooks/stripe HTTP/1.1garbage"
      })
  void an_unknown_http_version_is_a_bad_request_not_a_5xx(String requestLine) throws SQLException {
    byte[] request = (requestLine + "\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}").getBytes(UTF_8);
    String status = WebhookFuzzTest.exchange(t.port(), request);
    assertThat(status).isEqualTo("400");
    assertNothingStoredOrSent();
  }

  @Test
  void keeps_serving_real_events_after_hostile_ones() throws SQLException {
    hostile().forEach(a -> StripeWebhooks.post(t.port(), (byte[]) a.get()[1], (String) a.get()[2]));
    assertThat(StripeWebhooks.get(t.port(), "/healthz").statusCode()).isEqualTo(200);
    // A fresh event id, so this test does not depend on the others' order.
    String body = EVENT.replace("evt_1TfQ7pZr4Kx2LwT9Qm3Nb4Vc", "evt_after_hostile");
    HttpResponse<String> ok = StripeWebhooks.postSigned(t.port(), body, NOW);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(t.app.store().eventSummary("evt_after_hostile")).isPresent();
    // Remove it again so assertNothingStoredOrSent holds for the other tests.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + t.database);
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM delivery");
      s.execute("DELETE FROM stripe_event");
    }
  }

  private void assertNothingStoredOrSent() throws SQLException {
    assertThat(count("stripe_event")).isZero();
    assertThat(count("delivery")).isZero();
    t.deliverDue();
    assertThat(t.rc.received()).isEmpty();
  }

  private long count(String table) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + t.database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
