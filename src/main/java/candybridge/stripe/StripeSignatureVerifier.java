package candybridge.stripe;

import static java.nio.charset.StandardCharsets.UTF_8;

import candybridge.config.Secret;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the {@code Stripe-Signature} header over the raw body bytes: {@code t=<unix s>} and one or
 * more {@code v1=<hex HMAC-SHA256(secret, "t." + body)>}. Any {@code v1} may match any configured
 * secret (rotation); other schemes ({@code v0}) are ignored; comparison is constant-time; the
 * timestamp must be within the tolerance in both directions of the injected clock. Thread-safe.
 */
public final class StripeSignatureVerifier {
  static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);
  private static final int MAX_HEADER_LENGTH = 8192;

  private final List<byte[]> keys;
  private final Clock clock;
  private final long toleranceSeconds;

  public StripeSignatureVerifier(List<Secret> secrets, Clock clock) {
    this(secrets, clock, DEFAULT_TOLERANCE);
  }

  StripeSignatureVerifier(List<Secret> secrets, Clock clock, Duration tolerance) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one webhook secret is needed");
    }
    this.keys = secrets.stream().map(s -> s.reveal().trim().getBytes(UTF_8)).toList();
    this.clock = clock;
    this.toleranceSeconds = tolerance.toSeconds();
  }

  /** Returns normally when the header proves the body; throws with a reason otherwise. */
  public void verify(byte[] body, String header) throws InvalidSignatureException {
    if (header == null || header.isBlank()) {
      throw new InvalidSignatureException(
          "missing_signature", "Stripe-Signature header is missing");
    }
    if (header.length() > MAX_HEADER_LENGTH) {
      throw new InvalidSignatureException(
          "invalid_signature", "Stripe-Signature header is too long");
    }
    long timestamp = -1;
    List<byte[]> candidates = new ArrayList<>();
    for (String element : header.split(",")) {
      int eq = element.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = element.substring(0, eq).trim();
      String value = element.substring(eq + 1).trim();
      if (key.equals("t")) {
        timestamp = parseTimestamp(value);
      } else if (key.equals("v1")) {
        candidates.add(value.toLowerCase(java.util.Locale.ROOT).getBytes(UTF_8));
      }
    }
    if (timestamp < 0) {
      throw new InvalidSignatureException(
          "invalid_signature", "Stripe-Signature header has no valid t= timestamp");
    }
    if (candidates.isEmpty()) {
      throw new InvalidSignatureException(
          "invalid_signature", "Stripe-Signature header has no v1 signature");
    }
    if (!anyMatches(timestamp, body, candidates)) {
      throw new InvalidSignatureException(
          "invalid_signature", "no v1 signature matches the body for any configured secret");
    }
    long skew = clock.instant().getEpochSecond() - timestamp;
    if (Math.abs(skew) > toleranceSeconds) {
      throw new InvalidSignatureException(
          "timestamp_out_of_tolerance",
          "signature timestamp is "
              + Math.abs(skew)
              + " s in the "
              + (skew > 0 ? "past" : "future")
              + "; at most "
              + toleranceSeconds
              + " s is accepted");
    }
  }

  private static long parseTimestamp(String value) {
    // ASCII digits only: Character.isDigit and Long.parseLong also take other scripts' digits.
    if (value.isEmpty()
        || value.length() > 12
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(value);
  }

  private boolean anyMatches(long timestamp, byte[] body, List<byte[]> candidates) {
    boolean match = false;
    for (byte[] key : keys) {
      byte[] expected = HexFormat.of().formatHex(hmac(key, timestamp, body)).getBytes(UTF_8);
      for (byte[] candidate : candidates) {
        // No early exit: every comparison runs, each in constant time.
        match |= MessageDigest.isEqual(expected, candidate);
      }
    }
    return match;
  }

  private static byte[] hmac(byte[] key, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK; this JVM lacks it", e);
    }
  }
}
