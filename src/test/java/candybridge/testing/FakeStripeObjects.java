package candybridge.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Stripe objects of one kind (Customers, promotion codes) that the fake serves by id, each as
 * the JSON it was given. Thread-safe.
 */
final class FakeStripeObjects {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String kind;
  private final Map<String, String> byId = new ConcurrentHashMap<>();

  /**
   * @param kind as Stripe names it in a 404, e.g. {@code customer}
   */
  FakeStripeObjects(String kind) {
    this.kind = kind;
  }

  /** Serves this JSON under its {@code "id"}, replacing an object of the same id. */
  void put(String json) {
    byId.put(idOf(json), json);
  }

  /** 200 with the stored JSON, or 404 {@code resource_missing} for an unknown id. */
  FakeStripeAnswer answer(String id) {
    String json = byId.get(id);
    if (json == null) {
      return FakeStripeAnswer.error(
          404,
          "invalid_request_error",
          "resource_missing",
          "No such " + kind + ": '" + id + "'",
          "id");
    }
    return new FakeStripeAnswer(200, json);
  }

  /**
   * The {@code "id"} of a Stripe object's JSON.
   *
   * @throws IllegalArgumentException if it is not JSON or has no id
   */
  static String idOf(String json) {
    try {
      String id = JSON.readTree(json).path("id").asText("");
      if (id.isEmpty()) {
        throw new IllegalArgumentException("Stripe object JSON has no \"id\"");
      }
      return id;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
