package candybridge.referralcandy;

import static candybridge.referralcandy.TestVectors.ACCESS_ID;
import static candybridge.referralcandy.TestVectors.SECRET;
import static candybridge.referralcandy.TestVectors.tv4Purchase;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.config.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link HttpReferralCandy} uses its connections, against a raw-socket server whose every byte
 * the test decides: kept alive and reused, never a request sent twice behind the worker's back, and
 * a whole-exchange deadline that a trickling body cannot escape.
 */
class HttpReferralCandyConnectionTest {
  private static final RcCall TV4 = RcCall.of(RcMethod.PURCHASE, tv4Purchase());
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1700000100), ZoneOffset.UTC);

  private final ScriptedServer server = new ScriptedServer();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void reuses_one_kept_alive_connection_for_calls_in_a_row() throws IOException {
    server.answer(ScriptedServer::ok);
    try (HttpReferralCandy client = client(Duration.ofSeconds(5))) {
      for (int i = 0; i < 20; i++) {
        assertThat(client.send(TV4).isSuccess()).isTrue();
      }
    }
    assertThat(server.requests()).isEqualTo(20);
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void does_not_resend_a_post_whose_connection_was_reset() {
    server.answer(ScriptedServer::reset);
    try (HttpReferralCandy client = client(Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> client.send(TV4))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(HttpTimeoutException.class);
    }
    assertThat(server.requests()).isEqualTo(1);
  }

  @Test
  void returns_a_redirect_as_a_value_without_following_it() throws IOException {
    server.answer(ScriptedServer::redirect);
    try (HttpReferralCandy client = client(Duration.ofSeconds(5))) {
      RcResponse response = client.send(TV4);

      assertThat(response.status()).isEqualTo(302);
      assertThat(response.isSuccess()).isFalse();
    }
    assertThat(server.requests()).isEqualTo(1);
  }

  @Test
  void ends_a_body_that_trickles_in_at_the_whole_exchange_deadline() {
    // A byte every 50 ms never trips the 400 ms per-read timeout; only the deadline ends it.
    server.answer(server::trickle);
    Duration timeout = Duration.ofMillis(400);
    try (HttpReferralCandy client = client(timeout)) {
      long started = System.nanoTime();

      assertThatThrownBy(() -> client.send(TV4))
          .isInstanceOf(HttpTimeoutException.class)
          .hasMessageContaining("did not answer within");

      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(timeout.minusMillis(50))
          .isLessThan(timeout.plusSeconds(2));
    }
  }

  private HttpReferralCandy client(Duration timeout) {
    return new HttpReferralCandy(server.apiBase(), ACCESS_ID, new Secret(SECRET), CLOCK, timeout);
  }

  /** A raw HTTP/1.1 server that reads each request and lets the test's script answer it. */
  private static final class ScriptedServer implements AutoCloseable {
    interface Script {
      /** Answers one request; returns whether the connection stays open for the next. */
      boolean answer(Socket socket, OutputStream out) throws IOException;
    }

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Script script;

    ScriptedServer() {
      try {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      threads.execute(this::accept);
    }

    void answer(Script s) {
      script = s;
    }

    URI apiBase() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/api/v1");
    }

    int connections() {
      return connections.get();
    }

    int requests() {
      return requests.get();
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          connections.incrementAndGet();
          threads.execute(() -> serve(s));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        while (readRequest(in)) {
          requests.incrementAndGet();
          if (!script.answer(s, s.getOutputStream())) {
            return;
          }
        }
      } catch (IOException e) {
        // the client went away
      }
    }

    /** Reads one request head and its Content-Length body; false at end of stream. */
    private static boolean readRequest(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return false;
        }
        head.write(b);
      }
      int length = 0;
      for (String line : head.toString(ISO_8859_1).split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring("content-length:".length()).strip());
        }
      }
      in.readNBytes(length);
      return true;
    }

    static boolean ok(Socket socket, OutputStream out) throws IOException {
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 21\r\n\r\n"
          + "{\"message\":\"Success\"}");
      return true;
    }

    static boolean reset(Socket socket, OutputStream out) throws IOException {
      socket.setSoLinger(true, 0); // close() now sends RST
      return false;
    }

    static boolean redirect(Socket socket, OutputStream out) throws IOException {
      write(out, "HTTP/1.1 302 Found\r\nLocation: /api/v1/elsewhere.json\r\nContent-Length: 0\r\n\r\n");
      return true;
    }

    /** Headers at once, then one byte of a 1,000-byte body every 50 ms. */
    boolean trickle(Socket socket, OutputStream out) throws IOException {
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
      pacer.scheduleAtFixedRate(
          () -> {
            try {
              write(out, " ");
            } catch (IOException e) {
              throw new UncheckedIOException(e); // the client gave up: stop this schedule
            }
          },
          50, 50, TimeUnit.MILLISECONDS);
      // Hold the connection until the client closes it.
      socket.getInputStream().transferTo(OutputStream.nullOutputStream());
      return false;
    }

    private static void write(OutputStream out, String text) throws IOException {
      out.write(text.getBytes(ISO_8859_1));
      out.flush();
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
      threads.shutdownNow();
      pacer.shutdownNow();
    }
  }
}
