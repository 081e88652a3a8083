package candybridge.testing;

import static candybridge.testing.FakeStripeParams.first;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * The events the fake lists at {@code GET /v1/events}, and that list as Stripe serves it: newest
 * first (by {@code created}, then the later added first), filtered by {@code
 * created[gt|gte|lt|lte]}, {@code type} (with a trailing {@code *} wildcard) and {@code types[]},
 * paged by {@code limit} (1-100, default 10) and {@code starting_after}, with {@code has_more}.
 * Each item is served as given. Thread-safe.
 */
final class FakeStripeEvents {
  static final String PATH = "/v1/events";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> events = new ArrayList<>();

  /**
   * Adds these events (Stripe event JSON, each with {@code id}, {@code created} and {@code type});
   * none if one has no id.
   */
  void add(List<String> eventJson) {
    for (String json : eventJson) {
      FakeStripeObjects.idOf(json);
    }
    synchronized (events) {
      events.addAll(eventJson);
    }
  }

  /** The page this events list request asks for, or Stripe's 400 for a bad limit or cursor. */
  FakeStripeAnswer page(Map<String, List<String>> query) {
    int limit;
    try {
      limit = Integer.parseInt(first(query, "limit", "10"));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 100) {
      return FakeStripeAnswer.error(
          400, "invalid_request_error", null, "Invalid limit: must be between 1 and 100");
    }
    List<ObjectNode> matching = matching(query);
    int from = 0;
    String after = first(query, "starting_after", null);
    if (after != null) {
      from = -1;
      for (int i = 0; i < matching.size(); i++) {
        if (matching.get(i).path("id").asText().equals(after)) {
          from = i + 1;
        }
      }
      if (from < 0) {
        return FakeStripeAnswer.error(
            400,
            "invalid_request_error",
            "resource_missing",
            "No such event: '" + after + "'",
            "starting_after");
      }
    }
    List<ObjectNode> page = matching.subList(from, Math.min(matching.size(), from + limit));
    return FakeStripeAnswer.list(page, from + page.size() < matching.size(), PATH);
  }

  /** The events the query's filters let through, newest first. */
  private List<ObjectNode> matching(Map<String, List<String>> query) {
    List<ObjectNode> matching = new ArrayList<>();
    List<String> all;
    synchronized (events) {
      all = new ArrayList<>(events);
    }
    for (int i = all.size() - 1; i >= 0; i--) { // later added first among equal created
      ObjectNode event = readObject(all.get(i));
      if (matches(event, query)) {
        matching.add(event);
      }
    }
    matching.sort((a, b) -> Long.compare(b.path("created").asLong(), a.path("created").asLong()));
    return matching;
  }

  private static boolean matches(ObjectNode event, Map<String, List<String>> query) {
    long created = event.path("created").asLong();
    String type = event.path("type").asText();
    if (!bound(query, "created[gte]", v -> created >= v)
        || !bound(query, "created[gt]", v -> created > v)
        || !bound(query, "created[lt]", v -> created < v)
        || !bound(query, "created[lte]", v -> created <= v)) {
      return false;
    }
    String one = first(query, "type", null);
    if (one != null
        && !(one.endsWith("*")
            ? type.startsWith(one.substring(0, one.length() - 1))
            : type.equals(one))) {
      return false;
    }
    List<String> types = FakeStripeParams.indexed(query, "types");
    return types.isEmpty() || types.contains(type);
  }

  private static boolean bound(Map<String, List<String>> query, String name, LongPredicate test) {
    String value = first(query, name, null);
    return value == null || test.test(Long.parseLong(value));
  }

  private static ObjectNode readObject(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (JsonProcessingException | ClassCastException e) {
      throw new IllegalArgumentException("event is not a JSON object", e);
    }
  }
}
