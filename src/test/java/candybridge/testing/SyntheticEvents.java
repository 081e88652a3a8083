package candybridge.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Distinct Stripe events made from the fixtures in {@code src/test/resources/stripe}: the fixture's
 * JSON with its own event id, {@code created}, object id and (optionally) type, pretty-printed like
 * Stripe's bodies.
 */
public final class SyntheticEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SyntheticEvents() {}

  /** A paid {@code checkout.session.completed} for session {@code sessionId}. */
  public static String checkoutCompleted(String eventId, String sessionId, long created) {
    return from("stripe/checkout.session.completed.json", eventId, sessionId, created, null);
  }

  /**
   * The fixture {@code resource} (e.g. {@code stripe/invoice.payment_failed.json}) as event {@code
   * eventId} about object {@code objectId} at {@code created}; {@code type} null keeps the
   * fixture's.
   */
  public static String from(
      String resource, String eventId, String objectId, long created, String type) {
    try {
      ObjectNode event = (ObjectNode) JSON.readTree(Fixtures.read(resource));
      event.put("id", eventId);
      event.put("created", created);
      ((ObjectNode) event.path("data").path("object")).put("id", objectId);
      if (type != null) {
        event.put("type", type);
      }
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("fixture " + resource + " is not JSON", e);
    }
  }
}
