package candybridge.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/1.1 server on {@code 127.0.0.1} whose every byte the test decides: by default it reads
 * each request (head and Content-Length body) and lets the test's {@link Script} answer it; {@link
 * #onConnect} replaces that with a script for the whole connection (never read, answer garbage to a
 * TLS handshake). Records each complete request it read. For the transport failures of
 * docs/design.md §6, which a real HTTP server library would not commit on purpose.
 */
public final class ScriptedServer implements AutoCloseable {
  /** Answers one request already read. */
  public interface Script {
    /** Returns whether the connection stays open for the next request. */
    boolean answer(Socket socket, OutputStream out) throws IOException;
  }

  /** Serves a whole connection from its accept on; the socket is closed after. */
  public interface Connection {
    void serve(Socket socket) throws IOException;
  }

  private final ServerSocket socket;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private volatile Script script = ScriptedServer::ok;
  private volatile Connection connection = this::readAndAnswer;

  public ScriptedServer() {
    try {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    threads.execute(this::accept);
  }

  /** Answers each request read with {@code s} (the default: {@link #ok}). */
  public void answer(Script s) {
    script = s;
    connection = this::readAndAnswer;
  }

  /** Serves each new connection with {@code c} instead of reading requests. */
  public void onConnect(Connection c) {
    connection = c;
  }

  public URI apiBase() {
    return URI.create("http://127.0.0.1:" + port() + "/api/v1");
  }

  public int port() {
    return socket.getLocalPort();
  }

  public int connections() {
    return connections.get();
  }

  /** How many requests were read whole (head and the body its Content-Length announced). */
  public int requests() {
    return received.size();
  }

  /** Each request read whole, head and body, as ISO-8859-1 text. */
  public List<String> received() {
    return List.copyOf(received);
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        connections.incrementAndGet();
        Connection c = connection;
        threads.execute(
            () -> {
              try (s) {
                c.serve(s);
              } catch (IOException e) {
                // the client went away
              }
            });
      } catch (IOException e) {
        return;
      }
    }
  }

  private void readAndAnswer(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    String request;
    while ((request = readRequest(in)) != null) {
      received.add(request);
      if (!script.answer(s, s.getOutputStream())) {
        return;
      }
    }
  }

  /** Reads one request head and its Content-Length body; null at end of stream. */
  private static String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
    }
    int length = 0;
    for (String line : head.toString(ISO_8859_1).split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).strip());
      }
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      return null;
    }
    return head.toString(ISO_8859_1) + new String(body, ISO_8859_1);
  }

  // Request scripts.

  public static boolean ok(Socket socket, OutputStream out) throws IOException {
    write(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 21\r\n\r\n"
            + "{\"message\":\"Success\"}");
    return true;
  }

  /** Closes with a TCP reset (SO_LINGER 0), nothing answered. */
  public static boolean reset(Socket socket, OutputStream out) throws IOException {
    socket.setSoLinger(true, 0); // close() now sends RST
    return false;
  }

  /** Closes cleanly (FIN), nothing answered. */
  public static boolean close(Socket socket, OutputStream out) {
    return false;
  }

  public static boolean redirect(Socket socket, OutputStream out) throws IOException {
    write(
        out, "HTTP/1.1 302 Found\r\nLocation: /api/v1/elsewhere.json\r\nContent-Length: 0\r\n\r\n");
    return true;
  }

  /** Writes {@code text} as the answer, then closes the connection cleanly. */
  public static Script thenClose(String text) {
    return (socket, out) -> {
      write(out, text);
      return false;
    };
  }

  /** Keeps the connection without answering until the client closes it (or the server stops). */
  public static boolean silence(Socket socket, OutputStream out) throws IOException {
    socket.getInputStream().transferTo(OutputStream.nullOutputStream());
    return false;
  }

  /** Headers at once, then one byte of a 1,000-byte body every 50 ms. */
  public boolean trickle(Socket socket, OutputStream out) throws IOException {
    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    pacer.scheduleAtFixedRate(
        () -> {
          try {
            write(out, " ");
          } catch (IOException e) {
            throw new UncheckedIOException(e); // the client gave up: stop this schedule
          }
        },
        50,
        50,
        TimeUnit.MILLISECONDS);
    // Hold the connection until the client closes it.
    socket.getInputStream().transferTo(OutputStream.nullOutputStream());
    return false;
  }

  // Connection scripts.

  /** Accepts and never reads a byte, holding the connection until the server stops. */
  public void neverRead(Socket socket) {
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static void write(OutputStream out, String text) throws IOException {
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
    closed.countDown();
    threads.shutdownNow();
    pacer.shutdownNow();
  }
}
