package candybridge.admin;

import static java.nio.charset.StandardCharsets.UTF_8;

import candybridge.config.Secret;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks the admin token: {@code Authorization: Bearer <token>}, or HTTP Basic with the token as
 * password (so a browser can open {@code /admin} and carry it to the API). Compared in constant
 * time over SHA-256 digests, so neither content nor length leaks through timing.
 */
final class AdminAuth {
  private final byte[] expected;

  AdminAuth(Secret token) {
    this.expected = sha256(token.reveal());
  }

  boolean allows(String authorization) {
    Optional<String> presented = token(authorization);
    return presented.isPresent() && MessageDigest.isEqual(expected, sha256(presented.get()));
  }

  /**
   * True when the header is HTTP Basic: the scheme a browser stores after its login dialog and
   * attaches by itself, also to requests another site makes ({@link CrossSiteGuard}).
   */
  static boolean isBasic(String authorization) {
    return authorization != null && authorization.strip().regionMatches(true, 0, "Basic ", 0, 6);
  }

  private static Optional<String> token(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String h = header.strip();
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.of(h.substring(7).strip());
    }
    if (isBasic(h)) {
      try {
        String decoded = new String(Base64.getDecoder().decode(h.substring(6).strip()), UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(decoded.substring(colon + 1));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
