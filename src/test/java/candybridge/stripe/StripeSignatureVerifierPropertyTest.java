package candybridge.stripe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import candybridge.config.Secret;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.Tries;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the Stripe signature check (RELIABILITY.md, fuzzing): a correct signature
 * always passes, any change to the body, the signature or the time fails, and no input whatever
 * makes it throw anything but {@link InvalidSignatureException}.
 */
class StripeSignatureVerifierPropertyTest {
  static final long NOW = 1_789_466_660L;
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

  static StripeSignatureVerifier verifier(String secret) {
    return new StripeSignatureVerifier(List.of(new Secret(secret)), CLOCK);
  }

  @Test
  void a_correct_signature_within_the_tolerance_passes() {
    Tries.forAll(
        r -> {
          byte[] body = Tries.bytes(r, 0, 4096);
          String secret = Tries.letters(r, 1, 60);
          int skew = r.nextInt(601) - 300;
          String header = StripeWebhooks.sign(body, "whsec_" + secret, NOW + skew);
          assertThatCode(() -> verifier("whsec_" + secret).verify(body, header))
              .doesNotThrowAnyException();
        });
  }

  @Test
  void any_flipped_bit_of_the_body_fails() {
    Tries.forAll(r -> flippedBit(Tries.bytes(r, 1, 2048), r.nextInt(Integer.MAX_VALUE)));
  }

  private static void flippedBit(byte[] body, int at) {
    String header = StripeWebhooks.sign(body, StripeWebhooks.SECRET, NOW);
    byte[] changed = body.clone();
    int bit = at % (body.length * 8);
    changed[bit / 8] ^= (byte) (1 << (bit % 8));
    assertThat(catchThrowable(() -> verifier(StripeWebhooks.SECRET).verify(changed, header)))
        .isInstanceOf(InvalidSignatureException.class);
  }

  @Test
  void any_changed_character_of_the_signature_header_fails() {
    Tries.forAll(
        r ->
            changedCharacter(
                Tries.bytes(r, 0, 1024),
                r.nextInt(Integer.MAX_VALUE),
                r.nextBoolean() ? (char) (32 + r.nextInt(95)) : (char) r.nextInt(0xD800)));
  }

  private static void changedCharacter(byte[] body, int at, char replacement) {
    String header = StripeWebhooks.sign(body, StripeWebhooks.SECRET, NOW);
    int i = at % header.length();
    String hexPart = header.substring(header.indexOf("v1=") + 3);
    // Upper-case hex is accepted on purpose (README): not a change of the signature.
    if (header.charAt(i) == replacement
        || (Character.toLowerCase(replacement) == header.charAt(i)
            && i >= header.length() - hexPart.length())) {
      return;
    }
    String changed = header.substring(0, i) + replacement + header.substring(i + 1);
    Throwable thrown = catchThrowable(() -> verifier(StripeWebhooks.SECRET).verify(body, changed));
    // A changed "t=" digit may still be within 300 s only if the HMAC also matched: it cannot.
    assertThat(thrown).isInstanceOf(InvalidSignatureException.class);
  }

  /** Found by the property above: "६" (Devanagari six) passed for "6" in {@code t=}. */
  @Test
  void a_non_ascii_digit_in_the_timestamp_fails() {
    byte[] body = "{}".getBytes(UTF_8);
    String header =
        StripeWebhooks.sign(body, StripeWebhooks.SECRET, NOW).replaceFirst("6", "\u096c");
    assertThat(catchThrowable(() -> verifier(StripeWebhooks.SECRET).verify(body, header)))
        .isInstanceOf(InvalidSignatureException.class);
  }

  @Test
  void a_timestamp_outside_the_tolerance_fails_both_ways() {
    Tries.forAll(
        r -> outside(Tries.bytes(r, 0, 512), 301 + r.nextInt(10_000_000 - 300), r.nextBoolean()));
  }

  private static void outside(byte[] body, int off, boolean future) {
    String header =
        StripeWebhooks.sign(body, StripeWebhooks.SECRET, future ? NOW + off : NOW - off);
    assertThat(catchThrowable(() -> verifier(StripeWebhooks.SECRET).verify(body, header)))
        .isInstanceOf(InvalidSignatureException.class);
  }

  @Test
  void no_header_whatever_throws_anything_but_invalid_signature() {
    Tries.forAll(r -> anyHeader(Tries.anyString(r, 10_000), Tries.bytes(r, 0, 256)));
  }

  private static void anyHeader(String header, byte[] body) {
    Throwable thrown = catchThrowable(() -> verifier(StripeWebhooks.SECRET).verify(body, header));
    assertThat(thrown).isInstanceOf(InvalidSignatureException.class);
  }

  @Test
  void headers_shaped_like_stripes_with_random_values_never_crash() {
    Tries.forAll(
        r -> shaped(Tries.anyString(r, 40), Tries.anyString(r, 80), "k" + Tries.anyString(r, 19)));
  }

  private static void shaped(String t, String v1, String other) {
    String header = "t=" + t + ",v1=" + v1 + "," + other + "=" + v1 + ",v1";
    Throwable thrown =
        catchThrowable(() -> verifier(StripeWebhooks.SECRET).verify("{}".getBytes(UTF_8), header));
    assertThat(thrown).isInstanceOf(InvalidSignatureException.class);
  }
}
