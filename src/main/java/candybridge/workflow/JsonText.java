package candybridge.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Null-safe reading of text fields from a Stripe JSON tree. A missing field, a JSON {@code null}
 * and blank text all read as empty, so payloads of older API versions that lack a block are not
 * errors.
 */
final class JsonText {
  private JsonText() {}

  /** The trimmed text at {@code path} below {@code node}, or empty when missing, null or blank. */
  static Optional<String> at(JsonNode node, String... path) {
    JsonNode current = node;
    for (String field : path) {
      current = current.path(field);
    }
    if (!current.isValueNode() || current.isNull()) {
      return Optional.empty();
    }
    String text = current.asText().strip();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }
}
