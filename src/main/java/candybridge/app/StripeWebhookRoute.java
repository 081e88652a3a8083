package candybridge.app;

import candybridge.http.HttpProblem;
import candybridge.http.Json;
import candybridge.http.PayloadTooLargeException;
import candybridge.ingest.StripeIngest;
import candybridge.metrics.Metrics;
import candybridge.stripe.InvalidEventException;
import candybridge.stripe.InvalidSignatureException;
import candybridge.stripe.StripeEvent;
import candybridge.stripe.StripeEventParser;
import candybridge.stripe.StripeSignatureVerifier;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /webhooks/stripe}: raw bytes, verified, parsed, ingested; 200 only once the event is
 * durably stored (or known, or ignored). Failures are thrown and mapped in {@link HttpServerSetup}.
 */
final class StripeWebhookRoute implements Handler {
  static final int MAX_BODY_BYTES = 1024 * 1024;

  /** How much of an oversized body is read and dropped so that its sender can read the 413. */
  static final long MAX_DRAINED_BYTES = 8L * 1024 * 1024;

  private final StripeSignatureVerifier verifier;
  private final StripeEventParser parser;
  private final StripeIngest ingest;
  private final Json json;
  private final Metrics metrics;

  StripeWebhookRoute(
      StripeSignatureVerifier verifier, StripeIngest ingest, Json json, Metrics metrics) {
    this.metrics = metrics;
    this.verifier = verifier;
    this.parser = new StripeEventParser();
    this.ingest = ingest;
    this.json = json;
  }

  @Override
  public void handle(Context ctx)
      throws IOException, InvalidSignatureException, InvalidEventException {
    long started = System.nanoTime();
    String type = Metrics.UNKNOWN_TYPE;
    String outcome = "rejected";
    try {
      byte[] body = readBody(ctx);
      verifier.verify(body, ctx.header("Stripe-Signature"));
      StripeEvent event = parser.parse(body);
      type = event.type();
      outcome = "unavailable";
      StripeIngest.Result result = ingest.ingest(event);
      outcome = result.status().name().toLowerCase(Locale.ROOT);
      Map<String, String> answer = new LinkedHashMap<>();
      answer.put("status", outcome);
      answer.put("event", event.id().value());
      answer.put("detail", result.summary());
      json.respond(ctx, 200, answer);
    } finally {
      metrics.webhookReceived(type, outcome);
      metrics.ingestLatency(Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /**
   * Reads at most the limit. A larger body is answered 413 after reading (and dropping) up to
   * {@link #MAX_DRAINED_BYTES} of it: a client that is still sending when the server closes gets
   * "broken pipe" instead of the answer; beyond that cap the connection is simply closed.
   */
  private static byte[] readBody(Context ctx) throws IOException {
    long declared = ctx.req().getContentLengthLong();
    try (InputStream in = ctx.req().getInputStream()) {
      if (declared > MAX_BODY_BYTES) {
        drain(in, declared);
        throw new PayloadTooLargeException(MAX_BODY_BYTES);
      }
      if (declared >= 0) {
        // The usual case: one array of the declared size, read into directly (the server ends
        // the stream there). readNBytes(max) would read into 8 KB pieces and copy them together.
        byte[] body = new byte[(int) declared];
        if (in.readNBytes(body, 0, body.length) < body.length) {
          throw new IOException("body shorter than its Content-Length");
        }
        return body;
      }
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        drain(in, MAX_DRAINED_BYTES);
        throw new PayloadTooLargeException(MAX_BODY_BYTES);
      }
      return body;
    } catch (IOException unused) {
      // The client's fault, not ours (a body shorter than its Content-Length, a broken chunk):
      // 400, not a 500 with a stack trace in the log for every such request.
      throw new HttpProblem(400, "invalid_event", "the request body could not be read completely");
    }
  }

  /** Reads and drops up to {@code length} bytes, never more than the cap; none above the cap. */
  private static void drain(InputStream in, long length) throws IOException {
    if (length > MAX_DRAINED_BYTES) {
      return;
    }
    byte[] buffer = new byte[64 * 1024];
    for (long left = length; left > 0; ) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        return;
      }
      left -= n;
    }
  }
}
