package candybridge.stripe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.config.Secret;
import candybridge.testing.MutableClock;
import candybridge.testing.StripeWebhooks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StripeSignatureVerifierTest {
  private static final long T = 1_700_000_000L;
  private static final byte[] BODY =
      "{\"id\":\"evt_test_webhook\",\"object\":\"event\",\"type\":\"checkout.session.completed\"}"
          .getBytes(UTF_8);

  private final MutableClock clock = MutableClock.at(T + 10);

  private StripeSignatureVerifier verifier(String... secrets) {
    return new StripeSignatureVerifier(Stream.of(secrets).map(Secret::new).toList(), clock);
  }

  static Stream<Arguments> vectors() throws IOException {
    JsonNode root;
    try (InputStream in =
        StripeSignatureVerifierTest.class.getResourceAsStream(
            "/stripe/signature-test-vectors.json")) {
      root = new ObjectMapper().readTree(in);
    }
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : root.path("cases")) {
      out.add(
          Arguments.of(
              c.path("name").asText(),
              c.path("body").asText(),
              c.path("header").asText(),
              c.path("now").asLong(c.path("t").asLong() + 1),
              c.path("expect").asText().startsWith("valid")));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void published_test_vectors_verify_as_documented(
      String name, String body, String header, long now, boolean valid) {
    clock.set(java.time.Instant.ofEpochSecond(now));
    // The rotation case is signed with the old and the test secret; configure both.
    StripeSignatureVerifier v = verifier("whsec_test_secret", "whsec_unrelated");
    if (valid) {
      assertThatCode(() -> v.verify(body.getBytes(UTF_8), header)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> v.verify(body.getBytes(UTF_8), header))
          .isInstanceOf(InvalidSignatureException.class);
    }
  }

  @Test
  void every_fixture_header_verifies_over_the_exact_file_bytes() throws IOException {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/stripe/signature-test-vectors.json")) {
      root = new ObjectMapper().readTree(in);
    }
    for (JsonNode f : root.path("fixture_files")) {
      byte[] bytes;
      try (InputStream in = getClass().getResourceAsStream("/stripe/" + f.path("file").asText())) {
        bytes = in.readAllBytes();
      }
      clock.set(java.time.Instant.ofEpochSecond(f.path("t").asLong() + 5));
      assertThatCode(
              () ->
                  verifier("whsec_test_secret")
                      .verify(bytes, f.path("stripe_signature_header").asText()))
          .as(f.path("file").asText())
          .doesNotThrowAnyException();
    }
  }

  @Test
  void accepts_when_any_configured_secret_matches_any_v1() {
    String header =
        "t="
            + T
            + ",v1="
            + StripeWebhooks.hmacHex(BODY, "whsec_other", T)
            + ",v1="
            + StripeWebhooks.hmacHex(BODY, "whsec_new", T);
    assertThatCode(() -> verifier("whsec_old", "whsec_new").verify(BODY, header))
        .doesNotThrowAnyException();
  }

  @Test
  void configured_secrets_are_trimmed() {
    String header = StripeWebhooks.sign(BODY, "whsec_a", T);
    assertThatCode(() -> verifier("  whsec_a\n").verify(BODY, header)).doesNotThrowAnyException();
  }

  @Test
  void tolerates_spaces_after_commas_added_by_proxies() {
    String header = "t=" + T + ", v1=" + StripeWebhooks.hmacHex(BODY, "whsec_a", T);
    assertThatCode(() -> verifier("whsec_a").verify(BODY, header)).doesNotThrowAnyException();
  }

  @Test
  void accepts_a_timestamp_exactly_at_the_tolerance_in_both_directions() {
    String header = StripeWebhooks.sign(BODY, "whsec_a", T);
    clock.set(java.time.Instant.ofEpochSecond(T + 300));
    assertThatCode(() -> verifier("whsec_a").verify(BODY, header)).doesNotThrowAnyException();
    clock.set(java.time.Instant.ofEpochSecond(T - 300));
    assertThatCode(() -> verifier("whsec_a").verify(BODY, header)).doesNotThrowAnyException();
  }

  @Test
  void rejects_signature_older_than_tolerance() {
    String header = StripeWebhooks.sign(BODY, "whsec_a", T);
    clock.set(java.time.Instant.ofEpochSecond(T + 301));
    assertThatThrownBy(() -> verifier("whsec_a").verify(BODY, header))
        .isInstanceOf(InvalidSignatureException.class)
        .hasMessageContaining("past")
        .extracting(e -> ((InvalidSignatureException) e).code())
        .isEqualTo("timestamp_out_of_tolerance");
  }

  @Test
  void rejects_signature_from_the_far_future() {
    String header = StripeWebhooks.sign(BODY, "whsec_a", T);
    clock.set(java.time.Instant.ofEpochSecond(T - 301));
    assertThatThrownBy(() -> verifier("whsec_a").verify(BODY, header))
        .isInstanceOf(InvalidSignatureException.class)
        .hasMessageContaining("future");
  }

  @Test
  void rejects_missing_empty_and_malformed_headers_without_crashing() {
    StripeSignatureVerifier v = verifier("whsec_a");
    String good = StripeWebhooks.hmacHex(BODY, "whsec_a", T);
    for (String header :
        new String[] {
          null,
          "",
          "   ",
          "garbage",
          "t=abc,v1=" + good,
          "t=,v1=" + good,
          "v1=" + good,
          "t=" + T,
          "t=" + T + ",v1=",
          "t=-5,v1=" + good,
          "t=99999999999999999999,v1=" + good,
          "t=" + T + ",v0=" + good,
          ",,,=,==",
          "t=" + T + ",v1=zz" + good.substring(2)
        }) {
      assertThatThrownBy(() -> v.verify(BODY, header))
          .as("header %s", header)
          .isInstanceOf(InvalidSignatureException.class);
    }
  }

  @Test
  void rejects_a_body_changed_after_signing() {
    String header = StripeWebhooks.sign(BODY, "whsec_a", T);
    byte[] changed = new String(BODY, UTF_8).replace("evt_test", "evt_evil").getBytes(UTF_8);
    assertThatThrownBy(() -> verifier("whsec_a").verify(changed, header))
        .isInstanceOf(InvalidSignatureException.class);
  }

  @Test
  void rejects_the_wrong_secret() {
    String header = StripeWebhooks.sign(BODY, "whsec_wrong", T);
    assertThatThrownBy(() -> verifier("whsec_a").verify(BODY, header))
        .isInstanceOf(InvalidSignatureException.class)
        .extracting(e -> ((InvalidSignatureException) e).code())
        .isEqualTo("invalid_signature");
  }
}
