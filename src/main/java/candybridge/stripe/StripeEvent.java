package candybridge.stripe;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A verified, parsed Stripe event.
 *
 * <p>{@code object} is the {@code data.object} JSON tree, read field by field so that any API
 * version (acacia to dahlia) works; treat it as read-only. {@code payload} is the exact UTF-8 body
 * that was signed, kept for history and replay. {@code livemode} is true only when the envelope
 * says {@code "livemode": true}; {@code account} is the connected account ({@code acct_…}) of a
 * Stripe Connect event, empty text otherwise.
 */
public record StripeEvent(
    StripeEventId id,
    String type,
    long created,
    String apiVersion,
    boolean livemode,
    String account,
    JsonNode object,
    String payload) {
  public StripeEvent {
    requireNonNull(id, "id == null");
    requireNonNull(type, "type == null");
    requireNonNull(apiVersion, "apiVersion == null");
    requireNonNull(account, "account == null");
    requireNonNull(object, "object == null");
    requireNonNull(payload, "payload == null");
  }

  /** The id of the object the event is about ({@code data.object.id}), or empty text. */
  public String objectId() {
    return object.path("id").asText("");
  }
}
