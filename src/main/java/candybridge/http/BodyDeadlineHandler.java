package candybridge.http;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads every request body in full before any route runs, without a thread: Jetty calls back as
 * bytes arrive, so a client that trickles its body holds a connection and the bytes it sent, never
 * one of the server's threads (the routes read blocking; 400 slow senders used to take the whole
 * pool, and {@code /healthz} and real webhooks waited). A body must be complete within {@link
 * #deadline} of its headers (Stripe sends a whole event at once): otherwise 408 {@code
 * request_timeout}, with the JSON error body, and the connection is closed. A body over the limit
 * gets 413 {@code payload_too_large} after up to the webhook route's drain limit (8 MiB) of it were
 * read and dropped (so its sender can read the answer); one cut short or broken gets 400. 408s are
 * logged as at most one WARN line a minute ({@link BurstWarning}), never one per request.
 */
public final class BodyDeadlineHandler extends Handler.Wrapper {
  /** Time from the request's headers to the last byte of its body. */
  public static final Duration DEADLINE = Duration.ofSeconds(10);

  private final Duration deadline;
  private final int maxBody;
  private final long maxDrained;
  private final Json json;
  private final BurstWarning timeouts;

  public BodyDeadlineHandler(
      Duration deadline, int maxBody, long maxDrained, Json json, BurstWarning timeouts) {
    this.deadline = deadline;
    this.maxBody = maxBody;
    this.maxDrained = maxDrained;
    this.json = json;
    this.timeouts = timeouts;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    boolean chunked =
        request
            .getHeaders()
            .contains(HttpHeader.TRANSFER_ENCODING, HttpHeaderValue.CHUNKED.asString());
    if (declared <= 0 && !chunked) {
      return super.handle(request, response, callback);
    }
    if (declared > maxDrained) {
      // Not worth reading: answer at once and close the connection.
      new Body(request, response, callback, declared).tooLarge();
      return true;
    }
    new Body(request, response, callback, declared).start();
    return true;
  }

  /**
   * One request's body on its way in; whoever ends it first (last byte, deadline, failure) answers.
   */
  private final class Body implements Invocable.Task {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final AtomicBoolean ended = new AtomicBoolean();
    private byte[] bytes;
    private int length;
    private long dropped;
    private boolean oversized;
    private Scheduler.Task timer;

    Body(Request request, Response response, Callback callback, long declared) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.oversized = declared > maxBody;
      // Grown as bytes arrive (a declared length is a claim, not bytes sent), from a Stripe-sized
      // start.
      this.bytes = new byte[(int) Math.min(Math.max(declared, 0), 16 * 1024)];
    }

    void start() {
      timer =
          request
              .getComponents()
              .getScheduler()
              .schedule(this::expire, deadline.toMillis(), TimeUnit.MILLISECONDS);
      run();
    }

    /** Reads what has arrived; asks to be called again when more does. Never blocks. */
    @Override
    public void run() {
      while (!ended.get()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          Throwable failure = chunk.getFailure();
          chunk.release();
          if (!chunk.isLast() || failure instanceof java.util.concurrent.TimeoutException) {
            expire(); // the idle timeout: the same as the deadline
          } else {
            end(400, badBodyCode(), "the request body could not be read completely");
          }
          return;
        }
        boolean last = chunk.isLast();
        take(chunk.getByteBuffer());
        chunk.release();
        if (oversized && dropped > maxDrained) {
          tooLarge();
          return;
        }
        if (last) {
          if (oversized) {
            tooLarge();
          } else if (ended.compareAndSet(false, true)) {
            timer.cancel();
            // The routes may block (the store's commit): run them on a pool thread, as Jetty would.
            request.getContext().execute(this::dispatch);
          }
          return;
        }
      }
    }

    private void take(ByteBuffer buffer) {
      int n = buffer.remaining();
      if (!oversized && length + n > maxBody) {
        oversized = true;
        dropped = length;
        bytes = null;
      }
      if (oversized) {
        dropped += n;
        buffer.position(buffer.limit());
        return;
      }
      if (length + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.min(maxBody, Math.max(length + n, bytes.length * 2)));
      }
      buffer.get(bytes, length, n);
      length += n;
    }

    @Override
    public InvocationType getInvocationType() {
      return InvocationType.NON_BLOCKING;
    }

    private void dispatch() {
      Buffered buffered = new Buffered(request, ByteBuffer.wrap(bytes, 0, length));
      try {
        if (!getHandler().handle(buffered, response, callback)) {
          Response.writeError(request, response, callback, 404);
        }
      } catch (Throwable t) {
        Response.writeError(request, response, callback, t);
      }
    }

    private void expire() {
      if (ended.get()) {
        return;
      }
      if (oversized) {
        tooLarge();
        return;
      }
      if (end(
          408,
          "request_timeout",
          "the request body did not arrive within "
              + deadline.toSeconds()
              + " s of its headers; send the whole body at once")) {
        timeouts.record();
      }
    }

    void tooLarge() {
      end(413, "payload_too_large", "request body is larger than " + maxBody + " bytes");
    }

    private String badBodyCode() {
      return request.getHttpURI().getPath().startsWith("/webhooks/")
          ? "invalid_event"
          : "bad_request";
    }

    /**
     * Answers with the JSON error body and closes the connection, unless someone ended it first.
     */
    private boolean end(int status, String code, String detail) {
      if (!ended.compareAndSet(false, true)) {
        return false;
      }
      if (timer != null) {
        timer.cancel();
      }
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      response.write(true, ByteBuffer.wrap(json.bytes(new ErrorBody(code, detail))), callback);
      return true;
    }
  }

  /** The request with its body already in memory: one last chunk, then the end. */
  private static final class Buffered extends Request.Wrapper {
    private Content.Chunk next;

    Buffered(Request wrapped, ByteBuffer body) {
      super(wrapped);
      this.next = Content.Chunk.from(body, true);
    }

    @Override
    public synchronized Content.Chunk read() {
      Content.Chunk chunk = next;
      next = Content.Chunk.EOF;
      return chunk;
    }

    @Override
    public void demand(Runnable demandCallback) {
      // read() never returns null: there is always something (the body, or the end) to read now.
      getContext().execute(demandCallback);
    }
  }
}
