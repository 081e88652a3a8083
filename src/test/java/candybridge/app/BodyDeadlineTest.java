package candybridge.app;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.http.BodyDeadlineHandler;
import candybridge.testing.Fixtures;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BodyDeadlineHandler} reads bodies before the routes: a body in pieces still works, a
 * chunked or declared body over the limit gets 413, one cut short 400, each with the JSON error
 * body. (The 408 for a body that does not arrive in time: {@code SlowClientsTest}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BodyDeadlineTest {
  static final long NOW = 1_789_466_660L;
  TestApp t;

  @BeforeAll
  void start(@TempDir Path dir) {
    t = TestApp.start(dir, NOW);
  }

  @AfterAll
  void stop() {
    t.close();
  }

  @Test
  void a_signed_body_sent_in_pieces_is_stored() throws IOException {
    byte[] body =
        Fixtures.read("stripe/checkout.session.completed.json")
            .replace("evt_1TfQ7pZr4Kx2LwT9Qm3Nb4Vc", "evt_pieces")
            .getBytes(UTF_8);
    try (Socket s = socket()) {
      OutputStream out = s.getOutputStream();
      out.write(head(body.length, StripeWebhooks.sign(body, StripeWebhooks.SECRET, NOW)));
      for (int at = 0; at < body.length; at += 100) {
        out.write(body, at, Math.min(100, body.length - at));
        out.flush();
      }
      String answer = new String(s.getInputStream().readAllBytes(), UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 200").contains("\"status\":\"stored\"");
    }
  }

  @Test
  void a_chunked_body_over_the_limit_gets_413() throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(
        ("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Stripe-Signature: t=1,v1=00\r\nTransfer-Encoding: chunked\r\n\r\n")
            .getBytes(ISO_8859_1));
    byte[] piece = "a".repeat(64 * 1024).getBytes(ISO_8859_1);
    for (int i = 0; i < 20; i++) {
      request.writeBytes((Integer.toHexString(piece.length) + "\r\n").getBytes(ISO_8859_1));
      request.writeBytes(piece);
      request.writeBytes("\r\n".getBytes(ISO_8859_1));
    }
    request.writeBytes("0\r\n\r\n".getBytes(ISO_8859_1));
    String answer = exchange(request.toByteArray());
    assertThat(answer)
        .startsWith("HTTP/1.1 413")
        .endsWith(
            "{\"error\":\"payload_too_large\",\"detail\":\"request body is larger than 1048576 bytes\"}");
  }

  @Test
  void a_declared_body_far_over_the_limit_gets_413_without_being_read() throws IOException {
    try (Socket s = socket()) {
      s.getOutputStream().write(head(64L * 1024 * 1024, "t=1,v1=00"));
      String answer = new String(s.getInputStream().readAllBytes(), UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 413").contains("\"error\":\"payload_too_large\"");
    }
  }

  @Test
  void a_body_cut_short_gets_400() throws IOException {
    byte[] request =
        new ByteArrayOutputStream() {
          {
            writeBytes(head(5_000, "t=1,v1=00"));
            writeBytes("{\"id\":\"evt_short\"".getBytes(UTF_8));
          }
        }.toByteArray();
    String answer = exchange(request);
    assertThat(answer)
        .startsWith("HTTP/1.1 400")
        .endsWith(
            "{\"error\":\"invalid_event\",\"detail\":\"the request body could not be read completely\"}");
    assertThat(StripeWebhooks.get(t.port(), "/healthz").statusCode()).isEqualTo(200);
  }

  private Socket socket() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), t.port());
    s.setSoTimeout(20_000);
    return s;
  }

  private static byte[] head(long length, String signature) {
    return ("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
            + "Stripe-Signature: "
            + signature
            + "\r\nContent-Length: "
            + length
            + "\r\n\r\n")
        .getBytes(ISO_8859_1);
  }

  /** Writes, half-closes, reads to the end. */
  private String exchange(byte[] request) throws IOException {
    try (Socket s = socket()) {
      try {
        s.getOutputStream().write(request);
        s.shutdownOutput();
      } catch (IOException e) {
        // answered before everything was read: read the answer anyway
      }
      return new String(s.getInputStream().readAllBytes(), UTF_8);
    }
  }
}
