package candybridge.app;

import candybridge.stripe.InvalidEventException;
import candybridge.stripe.InvalidSignatureException;
import candybridge.stripe.StripeEvent;
import candybridge.stripe.StripeEventParser;
import candybridge.stripe.StripeIngest;
import candybridge.stripe.StripeSignatureVerifier;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /webhooks/stripe}: raw bytes, verified, parsed, ingested; 200 only once the event is
 * durably stored (or known, or ignored). Failures are thrown and mapped in {@link HttpServerSetup}.
 */
final class StripeWebhookRoute implements Handler {
  static final int MAX_BODY_BYTES = 1024 * 1024;

  private final StripeSignatureVerifier verifier;
  private final StripeEventParser parser;
  private final StripeIngest ingest;
  private final Json json;

  StripeWebhookRoute(StripeSignatureVerifier verifier, StripeIngest ingest, Json json) {
    this.verifier = verifier;
    this.parser = new StripeEventParser();
    this.ingest = ingest;
    this.json = json;
  }

  @Override
  public void handle(Context ctx) throws IOException, InvalidSignatureException, InvalidEventException {
    byte[] body = readBody(ctx);
    verifier.verify(body, ctx.header("Stripe-Signature"));
    StripeEvent event = parser.parse(body);
    StripeIngest.Result result = ingest.ingest(event);
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("status", result.status().name().toLowerCase(java.util.Locale.ROOT));
    answer.put("event", event.id().value());
    answer.put("detail", result.summary());
    json.respond(ctx, 200, answer);
  }

  /** Reads at most the limit, refusing early on a declared length over it. */
  private static byte[] readBody(Context ctx) throws IOException {
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_BODY_BYTES) {
      throw new PayloadTooLargeException(MAX_BODY_BYTES);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        throw new PayloadTooLargeException(MAX_BODY_BYTES);
      }
      return body;
    }
  }
}
