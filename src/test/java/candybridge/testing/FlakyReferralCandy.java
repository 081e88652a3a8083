package candybridge.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A raw TCP front for {@link FakeReferralCandyServer} that plays an outage: per request, by the
 * current {@link Mode}, it forwards to the fake, answers 500 or 429 with {@code Retry-After}
 * itself, holds the request unanswered (the client times out; nothing reaches the fake), or resets
 * the connection (TCP RST). Every answer closes the connection, so no pooled connection outlives a
 * mode change.
 */
public final class FlakyReferralCandy implements AutoCloseable {
  public enum Mode {
    PASS,
    ERROR_500,
    ERROR_502,
    ERROR_503,
    ERROR_504,
    TOO_MANY_429,
    HANG,
    RESET,
    REFUSE
  }

  private volatile ServerSocket server;
  private final int port;
  private volatile int upstreamPort;
  private final ExecutorService connections =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "flaky-referralcandy");
            t.setDaemon(true);
            return t;
          });
  private final Map<Mode, Integer> requests = new EnumMap<>(Mode.class);
  private volatile Mode mode = Mode.PASS;
  private volatile Duration retryAfter = Duration.ofMinutes(5);

  private FlakyReferralCandy(ServerSocket server) {
    this.server = server;
    this.port = server.getLocalPort();
  }

  /** Starts on a free port; {@link #forwardTo} names the fake that PASS forwards to. */
  public static FlakyReferralCandy start() {
    try {
      FlakyReferralCandy f =
          new FlakyReferralCandy(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()));
      f.connections.execute(f::acceptLoop);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public FlakyReferralCandy forwardTo(FakeReferralCandyServer fake) {
    upstreamPort = fake.port();
    return this;
  }

  public URI apiBase() {
    return URI.create("http://127.0.0.1:" + port + "/api/v1");
  }

  /**
   * From now on every request is played as {@code m}. {@link Mode#REFUSE} closes the listening
   * socket (connections are refused: nothing was sent); leaving it binds the same port again.
   */
  public synchronized void mode(Mode m) {
    if (m == mode) {
      return;
    }
    try {
      if (m == Mode.REFUSE) {
        server.close();
      } else if (mode == Mode.REFUSE) {
        ServerSocket again = new ServerSocket();
        again.setReuseAddress(true);
        again.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        server = again;
        connections.execute(this::acceptLoop);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot switch to " + m, e);
    }
    mode = m;
  }

  public void retryAfter(Duration d) {
    retryAfter = d;
  }

  /** Requests seen per mode so far. */
  public Map<Mode, Integer> requests() {
    synchronized (requests) {
      return Map.copyOf(requests);
    }
  }

  private void acceptLoop() {
    ServerSocket listening = server;
    while (!listening.isClosed()) {
      try {
        Socket s = listening.accept();
        connections.execute(() -> handle(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      byte[] request = readRequest(client.getInputStream());
      if (request == null) {
        return;
      }
      Mode m = mode;
      if (m == Mode.REFUSE) {
        return; // accepted just before the switch: as if refused, nothing read is answered
      }
      synchronized (requests) {
        requests.merge(m, 1, Integer::sum);
      }
      OutputStream out = client.getOutputStream();
      switch (m) {
        case PASS -> forward(request, out);
        case ERROR_500 ->
            answer(out, "500 Internal Server Error", "", "{\"message\":\"outage: 500\"}");
        case ERROR_502 ->
            answer(out, "502 Bad Gateway", "", "<html><body>502 Bad Gateway</body></html>");
        case ERROR_503 ->
            answer(out, "503 Service Unavailable", "", "{\"message\":\"outage: 503\"}");
        case ERROR_504 -> answer(out, "504 Gateway Timeout", "", "<html><body>504</body></html>");
        case TOO_MANY_429 ->
            answer(
                out,
                "429 Too Many Requests",
                "Retry-After: " + retryAfter.toSeconds() + "\r\n",
                "{\"message\":\"slow down\"}");
        case HANG ->
            client
                .getInputStream()
                .transferTo(OutputStream.nullOutputStream()); // until the client gives up
        case RESET -> client.setSoLinger(true, 0); // close() now sends RST
        default -> throw new IllegalStateException("unknown mode " + m);
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  /**
   * Forwards the request and relays the fake's answer with {@code Connection: close} in its head:
   * the fake does close (the request asked it to) but does not say so, and a client may pool a
   * connection whose end was not announced.
   */
  private void forward(byte[] request, OutputStream out) throws IOException {
    byte[] response;
    try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
      upstream.getOutputStream().write(request);
      upstream.getOutputStream().flush();
      response = upstream.getInputStream().readAllBytes();
    }
    String text = new String(response, ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      out.write(response); // not HTTP: relay as it is
      return;
    }
    StringBuilder head = new StringBuilder();
    for (String line : text.substring(0, headEnd).split("\r\n")) {
      if (!line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
        head.append(line).append("\r\n");
      }
    }
    head.append("Connection: close\r\n\r\n");
    out.write(head.toString().getBytes(ISO_8859_1));
    out.write(response, headEnd + 4, response.length - headEnd - 4);
    out.flush();
  }

  private static void answer(OutputStream out, String status, String headers, String body)
      throws IOException {
    byte[] b = body.getBytes(UTF_8);
    out.write(
        ("HTTP/1.1 "
                + status
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + b.length
                + "\r\n"
                + headers
                + "Connection: close\r\n\r\n")
            .getBytes(ISO_8859_1));
    out.write(b);
    out.flush();
  }

  /** The request head (with {@code Connection: close} forced) and its body, or null at EOF. */
  private static byte[] readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched =
          (b == '\r' || b == '\n') && (b == "\r\n\r\n".charAt(matched))
              ? matched + 1
              : (b == '\r' ? 1 : 0);
    }
    StringBuilder rewritten = new StringBuilder();
    int length = 0;
    for (String line : head.toString(ISO_8859_1).split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
      if (!line.isEmpty() && !lower.startsWith("connection:")) {
        rewritten.append(line).append("\r\n");
      }
    }
    rewritten.append("Connection: close\r\n\r\n");
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(rewritten.toString().getBytes(ISO_8859_1));
    all.write(in.readNBytes(length));
    return all.toByteArray();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    connections.shutdownNow();
  }
}
