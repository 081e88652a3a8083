package candybridge.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An alert webhook on {@code 127.0.0.1} and a free port that records every POST body and answers
 * as scripted: the queued statuses first ({@link #respondWith}), then 200; or, after {@link
 * #hang()}, holds every request until {@link #close()}. Thread-safe.
 */
public final class FakeAlertReceiver implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final CountDownLatch released = new CountDownLatch(1);
  private final Object lock = new Object();
  private final List<String> bodies = new ArrayList<>();
  private final Deque<Integer> script = new ArrayDeque<>();
  private boolean hanging;

  private FakeAlertReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hooks/alert", this::handle);
    server.setExecutor(executor);
  }

  public static FakeAlertReceiver start() {
    try {
      FakeAlertReceiver receiver = new FakeAlertReceiver();
      receiver.server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/alert");
  }

  /** Answers the next requests with these statuses, in order, then 200 again. */
  public FakeAlertReceiver respondWith(int... statuses) {
    synchronized (lock) {
      for (int s : statuses) script.add(s);
    }
    return this;
  }

  /** Holds every later request without answering until {@link #close()}. */
  public FakeAlertReceiver hang() {
    synchronized (lock) {
      hanging = true;
    }
    return this;
  }

  /** Every POST body received so far, answered or not, in order. */
  public List<String> received() {
    synchronized (lock) {
      return List.copyOf(bodies);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
      int status;
      boolean hold;
      synchronized (lock) {
        bodies.add(body);
        hold = hanging;
        status = script.isEmpty() ? 200 : script.poll();
      }
      if (hold) {
        released.await();
        return;
      }
      exchange.sendResponseHeaders(status, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
