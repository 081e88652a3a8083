package candybridge.stripe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns verified body bytes into a {@link StripeEvent}, reading only the envelope fields it needs
 * from the JSON tree so that every Stripe API version parses. Nesting is capped: Stripe events are
 * a dozen levels deep, so a deeper body is rejected instead of exhausting the stack.
 */
public final class StripeEventParser {
  static final int MAX_NESTING_DEPTH = 64;

  private final ObjectMapper json =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
              .build());

  /** Parses or throws {@link InvalidEventException} saying what is wrong. */
  public StripeEvent parse(byte[] body) throws InvalidEventException {
    String text = utf8(body);
    JsonNode root;
    try {
      // From the bytes, not the text: Jackson's byte parser is the faster one (the text, checked
      // to be UTF-8 above, is what gets stored).
      root = json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException(
          "body is not valid JSON (or nests deeper than " + MAX_NESTING_DEPTH + " levels)", e);
    } catch (IOException e) {
      throw new InvalidEventException("body could not be read as JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidEventException("body is not a JSON object");
    }
    if (!"event".equals(root.path("object").asText(null))) {
      throw new InvalidEventException("body is not a Stripe event (object is not \"event\")");
    }
    String id = text(root, "id");
    String type = text(root, "type");
    JsonNode created = root.path("created");
    if (!created.canConvertToLong() || !created.isIntegralNumber()) {
      throw new InvalidEventException("Stripe event has no integer created");
    }
    JsonNode object = root.path("data").path("object");
    if (!object.isObject()) {
      throw new InvalidEventException("Stripe event has no data.object");
    }
    String apiVersion =
        root.path("api_version").isTextual() ? root.path("api_version").asText() : "";
    boolean livemode = root.path("livemode").isBoolean() && root.path("livemode").booleanValue();
    String account = root.path("account").isTextual() ? root.path("account").asText() : "";
    if (account.length() > 255) {
      throw new InvalidEventException("Stripe event has no valid account");
    }
    return new StripeEvent(
        new StripeEventId(id), type, created.asLong(), apiVersion, livemode, account, object, text);
  }

  private static String text(JsonNode root, String field) throws InvalidEventException {
    JsonNode node = root.path(field);
    if (!node.isTextual() || node.asText().isBlank() || node.asText().length() > 255) {
      throw new InvalidEventException("Stripe event has no valid " + field);
    }
    return node.asText();
  }

  /**
   * The body as text, refused when it is not well-formed UTF-8. The JDK's own decoding is the fast
   * path (one copy, and a compact one-byte-per-char string for the usual ASCII body); it turns
   * malformed bytes into U+FFFD, so only a text that holds U+FFFD is decoded again, strictly, which
   * either refuses it or confirms a U+FFFD that the sender really wrote.
   */
  private static String utf8(byte[] body) throws InvalidEventException {
    String text = new String(body, StandardCharsets.UTF_8);
    return text.indexOf('\uFFFD') < 0 ? text : strictUtf8(body);
  }

  private static String strictUtf8(byte[] body) throws InvalidEventException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidEventException("body is not UTF-8", e);
    }
  }
}
