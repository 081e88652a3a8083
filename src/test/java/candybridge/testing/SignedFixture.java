package candybridge.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A fixture file from {@code src/test/resources/stripe} with the exact {@code Stripe-Signature}
 * header Stripe would send (from signature-test-vectors.json, secret {@value #SECRET}).
 */
public record SignedFixture(String file, String body, long t, String header) {
  public static final String SECRET = "whsec_test_secret";

  public static SignedFixture of(String file) {
    JsonNode vectors;
    try (InputStream in =
        SignedFixture.class.getResourceAsStream("/stripe/signature-test-vectors.json")) {
      vectors = new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (JsonNode f : vectors.path("fixture_files")) {
      if (f.path("file").asText().equals(file)) {
        return new SignedFixture(
            file,
            Fixtures.read("stripe/" + file),
            f.path("t").asLong(),
            f.path("stripe_signature_header").asText());
      }
    }
    throw new IllegalArgumentException("no signature vector for " + file);
  }

  public byte[] bytes() {
    return body.getBytes(UTF_8);
  }
}
