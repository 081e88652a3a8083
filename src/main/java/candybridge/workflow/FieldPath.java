package candybridge.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A field of an event, as written in workflow files: {@code customer_details.email} and {@code
 * items.data.0.price.unit_amount} are read below {@code data.object}; {@code $event.id}, {@code
 * $event.type}, {@code $event.created}, {@code $event.api_version}, {@code $event.livemode} (true
 * or false) and {@code $event.account} (the connected account of a Stripe Connect event, missing
 * otherwise) read the envelope; {@code $session.completed_at} is the {@code created} of the first
 * {@code checkout.session.completed} event stored for the session. Anything missing, of whatever
 * API version, reads as a missing node, never an error.
 */
record FieldPath(String text, Scope scope, List<String> segments) {
  enum Scope {
    OBJECT,
    EVENT,
    SESSION_COMPLETED_AT
  }

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_]+");
  private static final List<String> ENVELOPE =
      List.of("id", "type", "created", "api_version", "livemode", "account");

  /** Parses the text or throws IllegalArgumentException saying what is wrong with it. */
  static FieldPath parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty field path");
    }
    String t = text.strip();
    if (t.equals("$session.completed_at")) {
      return new FieldPath(t, Scope.SESSION_COMPLETED_AT, List.of());
    }
    if (t.startsWith("$event.")) {
      String field = t.substring("$event.".length());
      if (!ENVELOPE.contains(field)) {
        throw new IllegalArgumentException(
            "'" + t + "': the envelope fields are $event." + String.join(", $event.", ENVELOPE));
      }
      return new FieldPath(t, Scope.EVENT, List.of(field));
    }
    if (t.startsWith("$")) {
      throw new IllegalArgumentException(
          "'" + t + "': only $event.<field> and $session.completed_at start with $");
    }
    List<String> segments = List.of(t.split("\\.", -1));
    for (String s : segments) {
      if (!SEGMENT.matcher(s).matches()) {
        throw new IllegalArgumentException(
            "'"
                + t
                + "' is not a field path (dot-separated names and array indexes, e.g."
                + " customer_details.email or items.data.0.quantity)");
      }
    }
    return new FieldPath(t, Scope.OBJECT, segments);
  }

  /** The node at this path, or a missing node. */
  JsonNode resolve(EventView view) {
    return switch (scope) {
      case SESSION_COMPLETED_AT ->
          view.sessionCompletedAt().isPresent()
              ? LongNode.valueOf(view.sessionCompletedAt().getAsLong())
              : MissingNode.getInstance();
      case EVENT -> envelope(view);
      case OBJECT -> walk(view.event().object());
    };
  }

  private JsonNode envelope(EventView view) {
    return switch (segments.get(0)) {
      case "id" -> TextNode.valueOf(view.event().id().value());
      case "type" -> TextNode.valueOf(view.event().type());
      case "created" -> LongNode.valueOf(view.event().created());
      case "api_version" -> TextNode.valueOf(view.event().apiVersion());
      case "livemode" -> BooleanNode.valueOf(view.event().livemode());
      case "account" ->
          view.event().account().isEmpty()
              ? MissingNode.getInstance()
              : TextNode.valueOf(view.event().account());
      default -> MissingNode.getInstance();
    };
  }

  private JsonNode walk(JsonNode node) {
    JsonNode current = node;
    for (String s : segments) {
      if (current.isArray() && s.chars().allMatch(Character::isDigit) && s.length() < 6) {
        current = current.path(Integer.parseInt(s));
      } else {
        current = current.path(s);
      }
    }
    return current;
  }

  /** The scalar at this path as trimmed text; empty when missing, null, blank or not a scalar. */
  java.util.Optional<String> text(EventView view) {
    JsonNode n = resolve(view);
    if (!n.isValueNode() || n.isNull()) {
      return java.util.Optional.empty();
    }
    String s = n.asText().strip();
    return s.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(s);
  }

  @Override
  public String toString() {
    return text;
  }
}
