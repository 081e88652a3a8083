package candybridge.referralcandy;

import static candybridge.referralcandy.TestVectors.ACCESS_ID;
import static candybridge.referralcandy.TestVectors.SECRET;
import static candybridge.referralcandy.TestVectors.tv4Purchase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.config.Secret;
import candybridge.testing.ScriptedServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * docs/design.md §6 over real sockets: each way a call can fail, committed for real by a raw-socket
 * server, and the one exception it must give. {@link NotSentException} when nothing of the request
 * can have left (safe to send again); {@link NoAnswerException} once writing started (held in
 * doubt); an {@link RcResponse} once the status line and headers came, whatever became of the body.
 * Every case runs for {@code send} and for {@code verify}.
 */
class HttpReferralCandyFailureTest {
  /** For the cases that wait for the deadline. */
  private static final Duration TIMEOUT = Duration.ofMillis(400);

  /** For the others: long enough for a cold JVM's first exchange on a busy machine. */
  private static final Duration GENEROUS = Duration.ofSeconds(10);

  private static final Instant NOW = Instant.ofEpochSecond(1700000100);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final ScriptedServer server = new ScriptedServer();
  private final List<AutoCloseable> open = new ArrayList<>();

  /** The two calls of the {@link ReferralCandy} interface, each with the request line it sends. */
  enum Call {
    SEND("POST /api/v1/purchase.json ") {
      @Override
      RcResponse on(ReferralCandy rc) throws IOException {
        return rc.send(RcCall.of(RcMethod.PURCHASE, tv4Purchase()));
      }
    },
    VERIFY("GET /api/v1/verify.json?accessID=") {
      @Override
      RcResponse on(ReferralCandy rc) throws IOException {
        return rc.verify();
      }
    };

    final String requestLine;

    Call(String requestLine) {
      this.requestLine = requestLine;
    }

    abstract RcResponse on(ReferralCandy rc) throws IOException;
  }

  /**
   * One answered call first, so that the deadline cases do not spend their 400 ms loading
   * HttpClient's classes.
   */
  @BeforeAll
  static void warmUp() throws IOException {
    try (ScriptedServer warm = new ScriptedServer();
        HttpReferralCandy client =
            new HttpReferralCandy(warm.apiBase(), ACCESS_ID, new Secret(SECRET), CLOCK, GENEROUS)) {
      Call.SEND.on(client);
    }
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  // Not sent.

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_refused_connection_is_not_sent(Call call) throws IOException {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }

    assertThatThrownBy(() -> call.on(client("http://127.0.0.1:" + port)))
        .isInstanceOf(NotSentException.class);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void an_unknown_host_is_not_sent_and_fails_fast(Call call) {
    long started = System.nanoTime();

    assertThatThrownBy(() -> call.on(client("http://no-such-host.invalid")))
        .isInstanceOf(NotSentException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_failed_tls_handshake_is_not_sent(Call call) {
    // Plain HTTP where TLS was expected: the ClientHello gets a text answer and a close.
    server.onConnect(
        s -> ScriptedServer.write(s.getOutputStream(), "HTTP/1.1 400 Bad Request\r\n\r\n"));

    assertThatThrownBy(() -> call.on(client("https://127.0.0.1:" + server.port())))
        .isInstanceOf(NotSentException.class);
    assertThat(server.connections()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_tls_handshake_closed_at_once_is_not_sent(Call call) {
    server.onConnect(s -> {});

    assertThatThrownBy(() -> call.on(client("https://127.0.0.1:" + server.port())))
        .isInstanceOf(NotSentException.class);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_connect_timeout_is_not_sent(Call call) throws IOException {
    // A listener that never accepts, its accept queue filled: Linux then drops further SYNs, so the
    // next connect hangs until its timeout.
    ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    open.add(full);
    Assumptions.assumeTrue(fill(full), "loopback connects did not hang on a full accept queue");
    long started = System.nanoTime();

    assertThatThrownBy(() -> call.on(client("http://127.0.0.1:" + full.getLocalPort(), TIMEOUT)))
        .isInstanceOf(
            NotSentException.class); // by the connect timeout or the deadline, both 400 ms
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(TIMEOUT.minusMillis(50))
        .isLessThan(TIMEOUT.plusSeconds(2));
  }

  // Sent, no answer.

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_server_that_never_reads_leaves_the_call_in_doubt_at_the_deadline(Call call) {
    // The request fits in the kernel's buffers: writing it succeeded, so it counts as sent.
    server.onConnect(server::neverRead);

    assertNoAnswer(call, true);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_request_read_and_never_answered_is_in_doubt_at_the_deadline(Call call) {
    server.answer(ScriptedServer::silence);
    long started = System.nanoTime();

    assertNoAnswer(call, true);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(TIMEOUT.minusMillis(50))
        .isLessThan(TIMEOUT.plusSeconds(2));
    assertReceivedWhole(call);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void half_a_status_line_then_a_close_is_in_doubt(Call call) {
    server.answer(ScriptedServer.thenClose("HTTP/1.1 20"));

    assertNoAnswer(call, false);
    assertReceivedWhole(call);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_status_line_and_headers_cut_before_their_blank_line_are_in_doubt(Call call) {
    server.answer(
        ScriptedServer.thenClose("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"));

    assertNoAnswer(call, false);
    assertReceivedWhole(call);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_garbage_status_line_is_in_doubt(Call call) {
    server.answer(ScriptedServer.thenClose("SMTP ready\r\n\r\n"));

    assertNoAnswer(call, false);
    assertReceivedWhole(call);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_status_no_http_knows_is_in_doubt(Call call) {
    server.answer(ScriptedServer.thenClose("HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n"));

    assertNoAnswer(call, false);
    assertReceivedWhole(call);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_reset_after_the_request_was_read_is_in_doubt(Call call) {
    server.answer(ScriptedServer::reset);

    assertNoAnswer(call, false);
    assertReceivedWhole(call);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_clean_close_after_the_request_was_read_is_in_doubt(Call call) {
    server.answer(ScriptedServer::close);

    assertNoAnswer(call, false);
    assertReceivedWhole(call);
  }

  // Answered: a value, whatever the body.

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_body_shorter_than_its_content_length_is_an_answer(Call call) throws IOException {
    server.answer(
        ScriptedServer.thenClose(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                + "{\"message\":\"Succ"));

    RcResponse response = call.on(client(server.apiBase().toString()));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"message\":\"Succ");
    assertThat(response.isSuccess()).isFalse();
    assertReceivedWhole(call);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_chunked_body_cut_short_is_an_answer(Call call) throws IOException {
    server.answer(
        ScriptedServer.thenClose(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n15\r\n{\"message\":"));

    RcResponse response = call.on(client(server.apiBase().toString()));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"message\":");
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_body_reset_midway_is_an_answer(Call call) throws IOException {
    server.answer(
        (socket, out) -> {
          ScriptedServer.write(
              out, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 50\r\n\r\noops");
          return ScriptedServer.reset(socket, out);
        });

    RcResponse response = call.on(client(server.apiBase().toString()));

    assertThat(response.status()).isEqualTo(500);
    assertThat(response.body()).isIn("oops", ""); // a reset may overtake bytes still in flight
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void an_html_error_page_is_an_answer(Call call) throws IOException {
    String page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    server.answer(
        ScriptedServer.thenClose(
            "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: "
                + page.length()
                + "\r\n\r\n"
                + page));

    RcResponse response = call.on(client(server.apiBase().toString()));

    assertThat(response.status()).isEqualTo(502);
    assertThat(response.body()).isEqualTo(page);
    assertThat(response.isSuccess()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_huge_body_is_an_answer_cut_to_64_kib(Call call) throws IOException {
    int mib = 1024 * 1024;
    server.answer(
        ScriptedServer.thenClose(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + mib
                + "\r\n\r\n"
                + "x".repeat(mib)));

    RcResponse response = call.on(client(server.apiBase().toString()));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).hasSize(64 * 1024);
    assertThat(response.excerpt()).hasSize(500);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void a_body_that_trickles_past_the_deadline_is_an_answer(Call call) throws IOException {
    server.answer(server::trickle);

    RcResponse response = call.on(client(server.apiBase().toString(), TIMEOUT));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isBlank().hasSizeLessThan(1000);
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void an_answered_call_keeps_its_connection_for_the_next(Call call) throws IOException {
    server.answer(ScriptedServer::ok);
    HttpReferralCandy client = client(server.apiBase().toString());

    assertThat(call.on(client).status()).isEqualTo(200);
    assertThat(call.on(client).status()).isEqualTo(200);
    assertThat(server.connections()).isEqualTo(1);
  }

  private void assertNoAnswer(Call call, boolean timedOut) {
    Duration timeout = timedOut ? TIMEOUT : GENEROUS;
    assertThatThrownBy(() -> call.on(client(server.apiBase().toString(), timeout)))
        .isInstanceOfSatisfying(
            NoAnswerException.class,
            e -> {
              assertThat(e.timedOut()).as("timedOut").isEqualTo(timedOut);
              assertThat(e.sentAt()).isEqualTo(NOW);
            });
  }

  /** The server read the call's request whole: head and every byte of its body. */
  private void assertReceivedWhole(Call call) {
    assertThat(server.received())
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request).startsWith(call.requestLine);
              assertThat(request).contains("signature=");
            });
  }

  private HttpReferralCandy client(String apiBase) {
    return client(apiBase, GENEROUS);
  }

  private HttpReferralCandy client(String apiBase, Duration timeout) {
    HttpReferralCandy client =
        new HttpReferralCandy(URI.create(apiBase), ACCESS_ID, new Secret(SECRET), CLOCK, timeout);
    open.add(client);
    return client;
  }

  /**
   * Connects to {@code listener}, which never accepts, until a connect hangs; true when one did.
   * The connections stay open until the test ends.
   */
  private boolean fill(ServerSocket listener) throws IOException {
    for (int i = 0; i < 16; i++) {
      Socket s = new Socket();
      open.add(s);
      try {
        s.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 200);
      } catch (SocketTimeoutException e) {
        return true;
      }
    }
    return false;
  }
}
