package candybridge.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * An alert webhook on {@code 127.0.0.1} and a free port that records every POST body and answers as
 * scripted: the queued statuses first ({@link #respondWith}), then 200; or, after {@link #hang()},
 * holds every request until {@link #close()}. {@link #likeSlack()} makes it answer as Slack's
 * incoming webhooks do: {@code 400 no_text} for a body without a {@code text}. Thread-safe.
 */
public final class FakeAlertReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final CountDownLatch released = new CountDownLatch(1);
  private final Object lock = new Object();
  private final List<String> bodies = new ArrayList<>();
  private final Deque<Integer> script = new ArrayDeque<>();
  private final List<Integer> answered = new ArrayList<>();
  private boolean hanging;
  private boolean slack;

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

  /**
   * Answers like a Slack incoming webhook: {@code 400} with the body {@code no_text} unless the
   * JSON body has a non-blank string {@code text} (then the scripted status, or {@code 200 ok}).
   */
  public FakeAlertReceiver likeSlack() {
    synchronized (lock) {
      slack = true;
    }
    return this;
  }

  /** The status of every answer given so far, in order. */
  public List<Integer> answered() {
    synchronized (lock) {
      return List.copyOf(answered);
    }
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
      String answer = "";
      synchronized (lock) {
        bodies.add(body);
        hold = hanging;
        status = script.isEmpty() ? 200 : script.poll();
        if (slack && !hasText(body)) {
          status = 400;
          answer = "no_text";
        } else if (slack && status == 200) {
          answer = "ok";
        }
        if (!hold) answered.add(status);
      }
      if (hold) {
        released.await();
        return;
      }
      byte[] bytes = answer.getBytes(UTF_8);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) exchange.getResponseBody().write(bytes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean hasText(String body) {
    try {
      JsonNode text = JSON.readTree(body).path("text");
      return text.isTextual() && !text.asText().isBlank();
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
