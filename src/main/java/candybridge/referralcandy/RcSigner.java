package candybridge.referralcandy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The ReferralCandy request signature: MD5 over the API secret key followed by every sent parameter
 * as a {@code name=value} string, those strings sorted ({@link String#compareTo} order) and
 * concatenated without separator. Values are the raw, decoded strings exactly as sent; the digest
 * is over UTF-8 bytes and rendered as lower-case hex.
 */
public final class RcSigner {
  private static final String SIGNATURE = "signature";

  private RcSigner() {}

  /**
   * Returns the signature for {@code params}: all parameters that are sent, including {@code
   * accessID} and {@code timestamp}. A {@code signature} entry, if present, is left out, because a
   * signature never covers itself. Pure and thread-safe.
   */
  public static String sign(String secret, Map<String, String> params) {
    requireNonNull(secret, "secret == null");
    requireNonNull(params, "params == null");
    StringBuilder signed = new StringBuilder(secret);
    params.entrySet().stream()
        .filter(e -> !e.getKey().equals(SIGNATURE))
        .map(e -> e.getKey() + "=" + requireNonNull(e.getValue(), e.getKey()))
        .sorted()
        .forEachOrdered(signed::append);
    return HexFormat.of().formatHex(md5().digest(signed.toString().getBytes(UTF_8)));
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide MD5", e);
    }
  }
}
