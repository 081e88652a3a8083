package candybridge.testing;

import candybridge.stripe.StripeEvent;
import candybridge.stripe.StripeEventId;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test fixtures from {@code src/test/resources}, and Stripe events parsed from JSON text. */
public final class Fixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /** The UTF-8 text of a test resource, e.g. {@code stripe/checkout.session.completed.json}. */
  public static String read(String resourcePath) {
    try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resourcePath)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resourcePath);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read test resource " + resourcePath, e);
    }
  }

  /** The Stripe event stored in a test resource; its payload is the file's exact text. */
  public static StripeEvent event(String resourcePath) {
    return parse(read(resourcePath));
  }

  /**
   * A Stripe event from its JSON text, the way a plain reading of the envelope sees it: {@code id},
   * {@code type}, {@code created}, {@code api_version}, {@code livemode}, {@code account}, {@code
   * data.object}, and the text as payload.
   */
  public static StripeEvent parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("test event is not valid JSON", e);
    }
    return new StripeEvent(
        new StripeEventId(root.path("id").asText()),
        root.path("type").asText(),
        root.path("created").asLong(),
        root.path("api_version").asText(),
        root.path("livemode").asBoolean(false),
        root.path("account").asText(""),
        root.path("data").path("object"),
        json);
  }
}
