package candybridge.app;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.Fixtures;
import candybridge.testing.ReliabilityReport;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Abuse suite (RELIABILITY.md): the admin routes without or with a wrong token, traversal and
 * injection strings in every filter parameter, and oversized headers; no error body carries a
 * secret or an e-mail address (LogHygieneTest scans the logs of the whole run for the same). Slow
 * clients that must not starve the server: {@link SlowClientsTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbuseTest {
  static final long NOW = 1_789_466_660L;
  static final String TOKEN = "abuse-admin-token-7f3c9a1e5b2d4c6e";
  static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
  static final List<String> ROUTES =
      List.of(
          "GET /api/deliveries",
          "GET /api/deliveries/1",
          "GET /api/events",
          "GET /api/events/evt_1",
          "POST /api/deliveries/replay?status=failed",
          "POST /api/deliveries/1/replay",
          "POST /api/deliveries/1/resolve?as=sent",
          "POST /api/deliveries/resolve?status=in_doubt&as=sent&dry_run=true",
          "POST /api/dry-run",
          "GET /api/stats/hourly",
          "GET /admin",
          "GET /admin/index.html");
  static final List<String> NASTY =
      List.of(
          "../../../../etc/passwd",
          "..%2f..%2f..%2fetc%2fpasswd",
          "%2e%2e%2f%2e%2e%2fpom.xml",
          "..\\..\\pom.xml",
          "' OR '1'='1",
          "1; DROP TABLE delivery;--",
          "\" OR \"\"=\"",
          "') UNION SELECT payload FROM stripe_event--",
          "%00",
          "\u0000",
          "${jndi:ldap://127.0.0.1/x}",
          "<script>alert(1)</script>",
          "🙂",
          "a".repeat(5_000),
          "-1",
          "99999999999999999999",
          "%",
          "_",
          "*",
          "\\",
          "2026-13-45",
          "failed,,,in_doubt",
          "NaN");

  TestApp t;
  final List<String> errorBodies = new ArrayList<>();

  @BeforeAll
  void start(@TempDir Path dir) {
    t = TestApp.start(dir, NOW, StripeWebhooks.SECRET, Map.of("CANDYBRIDGE_ADMIN_TOKEN", TOKEN));
    assertThat(
            StripeWebhooks.postSigned(
                    t.port(), Fixtures.read("stripe/checkout.session.completed.json"), NOW)
                .statusCode())
        .isEqualTo(200);
  }

  @AfterAll
  void stop() {
    t.close();
  }

  @Test
  void every_admin_route_refuses_a_missing_or_wrong_token() {
    List<String> wrong = new ArrayList<>();
    wrong.add(null);
    wrong.add("Bearer wrong");
    wrong.add("Bearer " + TOKEN.substring(0, TOKEN.length() - 1)); // a prefix
    wrong.add("Bearer " + TOKEN + "x"); // one character longer
    wrong.add(
        "Bearer " + TOKEN.substring(0, TOKEN.length() - 1) + "f"); // same length, last one off
    wrong.add("Bearer x" + TOKEN.substring(1)); // same length, first one off
    wrong.add("Bearer " + TOKEN.toUpperCase(java.util.Locale.ROOT));
    wrong.add("Bearer");
    wrong.add("Bearer " + "a".repeat(6_000));
    wrong.add(
        "Basic " + Base64.getEncoder().encodeToString(("admin:" + TOKEN + " ").getBytes(UTF_8)));
    wrong.add("Basic " + Base64.getEncoder().encodeToString(TOKEN.getBytes(UTF_8))); // no colon
    wrong.add("Basic !!!not-base64!!!");
    wrong.add("Token " + TOKEN);
    for (String route : ROUTES) {
      for (String auth : wrong) {
        Response r = request(route, auth, "");
        assertThat(r.status()).as(route + " with " + auth).isEqualTo(401);
        assertThat(r.body()).contains("unauthorized");
      }
      assertThat(request(route, "Bearer " + TOKEN, "{}").status())
          .as(route + " with the token")
          .isNotEqualTo(401);
    }
  }

  @Test
  void traversal_and_injection_strings_in_every_filter_parameter_are_400_or_harmless()
      throws SQLException {
    long deliveries = count("delivery");
    long events = count("stripe_event");
    Map<String, List<String>> params =
        Map.of(
            "GET /api/deliveries",
                List.of("status", "type", "workflow", "from", "to", "q", "limit", "cursor"),
            "GET /api/events", List.of("type", "from", "to", "q", "limit", "cursor"),
            "GET /api/stats/hourly", List.of("hours"),
            "POST /api/deliveries/replay", List.of("status", "type", "workflow", "from", "to", "q"),
            "POST /api/deliveries/1/resolve", List.of("as"),
            "POST /api/deliveries/resolve",
                List.of("status", "as", "type", "workflow", "from", "to", "q"));
    int requests = 0;
    for (Map.Entry<String, List<String>> route : params.entrySet()) {
      for (String name : route.getValue()) {
        for (String value : NASTY) {
          String sep =
              route.getKey().startsWith("POST /api/deliveries/replay") && !name.equals("status")
                  ? "?status=failed&"
                  : route.getKey().equals("POST /api/deliveries/resolve")
                      ? "?"
                          + (name.equals("status") ? "" : "status=in_doubt&")
                          + (name.equals("as") ? "" : "as=sent&")
                      : "?";
          Response r =
              request(
                  route.getKey() + sep + name + "=" + URLEncoder.encode(value, UTF_8),
                  "Bearer " + TOKEN,
                  "");
          requests++;
          assertThat(r.status())
              .as(route.getKey() + " " + name + "=" + value)
              .isIn(200, 400, 404, 409);
          assertThat(r.body()).doesNotContain("root:x:0:0").doesNotContain("<project");
        }
      }
    }
    for (String value : NASTY) {
      Response r = request("GET /admin/" + value, "Bearer " + TOKEN, "");
      requests++;
      assertThat(r.status()).as("/admin/" + value).isIn(400, 404);
      assertThat(r.body())
          .doesNotContain("root:x:0:0")
          .doesNotContain("<project")
          .doesNotContain("candybridge.app");
      Response id = request("GET /api/deliveries/" + value, "Bearer " + TOKEN, "");
      assertThat(id.status()).as("/api/deliveries/" + value).isIn(400, 404);
      Response event = request("GET /api/events/" + value, "Bearer " + TOKEN, "");
      assertThat(event.status()).as("/api/events/" + value).isIn(400, 404);
      requests += 2;
    }
    assertThat(count("delivery")).isEqualTo(deliveries);
    assertThat(count("stripe_event")).isEqualTo(events);
    new ReliabilityReport("abuse-injection").put("requests", requests).write();
  }

  @Test
  void oversized_headers_get_431_and_the_server_keeps_serving() {
    for (int size : new int[] {16 * 1024, 64 * 1024, 1024 * 1024}) {
      Response r =
          raw(
              ("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "
                      + "a".repeat(size)
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(ISO_8859_1));
      assertThat(r.status()).as(size + " bytes of header").isIn(431, 400, -1);
      Response many =
          raw(
              ("GET /healthz HTTP/1.1\r\nHost: x\r\n"
                      + "X-A: b\r\n".repeat(size / 8)
                      + "Connection: close\r\n\r\n")
                  .getBytes(ISO_8859_1));
      assertThat(many.status()).as(size / 8 + " headers").isIn(431, 400, -1);
    }
    assertThat(StripeWebhooks.get(t.port(), "/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void no_error_body_carries_a_secret_or_an_e_mail_address() {
    // Run last within the class by content: collect a few more error bodies of every kind first.
    request("POST /webhooks/stripe", null, "{\"email\":\"jenny.rosen@example.com\"}");
    request("GET /api/deliveries?q=jenny.rosen@example.com&from=bad", "Bearer " + TOKEN, "");
    request(
        "POST /api/dry-run", "Bearer " + TOKEN, "{\"customer_email\":\"jenny.rosen@example.com\"");
    List<String> bodies;
    synchronized (errorBodies) {
      bodies = List.copyOf(errorBodies);
    }
    assertThat(bodies).isNotEmpty();
    for (String body : bodies) {
      assertThat(body)
          .doesNotContain(TOKEN)
          .doesNotContain(StripeWebhooks.SECRET)
          .doesNotContain(TestApp.RC_SECRET)
          .doesNotContain("whsec_");
      assertThat(EMAIL.matcher(body).find()).as("e-mail in error body: " + body).isFalse();
    }
  }

  record Response(int status, String body) {}

  private Response request(String route, String authorization, String body) {
    String[] parts = route.split(" ", 2);
    byte[] b = body.getBytes(UTF_8);
    StringBuilder head =
        new StringBuilder(parts[0])
            .append(' ')
            .append(parts[1])
            .append(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
    if (authorization != null) {
      head.append("Authorization: ").append(authorization).append("\r\n");
    }
    head.append("Content-Type: application/json\r\nContent-Length: ")
        .append(b.length)
        .append("\r\n\r\n");
    byte[] h = head.toString().getBytes(UTF_8);
    byte[] all = new byte[h.length + b.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(b, 0, all, h.length, b.length);
    return raw(all);
  }

  /** One raw HTTP/1.1 exchange; status -1 when the server closed without answering. */
  private Response raw(byte[] request) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), t.port())) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        s.shutdownOutput();
      } catch (IOException e) {
        // refused before reading it all: read the answer anyway
      }
      InputStream in = s.getInputStream();
      String text = new String(in.readAllBytes(), UTF_8);
      int status =
          text.startsWith("HTTP/1.") && text.length() >= 12
              ? Integer.parseInt(text.substring(9, 12))
              : -1;
      String body = text.contains("\r\n\r\n") ? text.substring(text.indexOf("\r\n\r\n") + 4) : "";
      if (status >= 400) {
        synchronized (errorBodies) {
          errorBodies.add(body);
        }
      }
      return new Response(status, body);
    } catch (IOException e) {
      return new Response(-1, "");
    }
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
