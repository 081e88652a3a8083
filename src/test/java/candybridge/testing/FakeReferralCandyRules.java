package candybridge.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What ReferralCandy checks, as far as the reference (§2, §4, §8) tells: routes, the signature and
 * the required parameters. The signature is recomputed here with its own code, on purpose not
 * {@code RcSigner}, so that the fake checks the client instead of agreeing with it.
 */
final class FakeReferralCandyRules {
  private static final Pattern ROUTE = Pattern.compile("/api/v[12]/([a-z]+)\\.json");
  private static final Set<String> METHODS =
      Set.of(
          "verify",
          "purchase",
          "referrals",
          "referrer",
          "contacts",
          "signup",
          "invite",
          "referral",
          "unsubscribed",
          "rewards");
  private static final Pattern UNIX_SECONDS = Pattern.compile("\\d{1,10}");
  private static final Pattern PLAIN_DECIMAL = Pattern.compile("\\d+(\\.\\d+)?");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  private final String accessId;
  private final String secret;

  FakeReferralCandyRules(String accessId, String secret) {
    this.accessId = accessId;
    this.secret = secret;
  }

  /** The method name of a known route, e.g. {@code purchase} for {@code /api/v2/purchase.json}. */
  static Optional<String> method(String path) {
    Matcher route = ROUTE.matcher(path);
    return route.matches() && METHODS.contains(route.group(1))
        ? Optional.of(route.group(1))
        : Optional.empty();
  }

  boolean signatureValid(Map<String, String> received) {
    Map<String, String> signed = new LinkedHashMap<>(received);
    String signature = signed.remove("signature");
    return signature != null
        && accessId.equals(signed.get("accessID"))
        && signature.equals(md5Hex(secret + sortedPairs(signed)));
  }

  /**
   * The answer to a correctly signed, unscripted call; {@code serial} numbers the success links.
   */
  static FakeReferralCandyAnswer answer(String method, Map<String, String> params, int serial) {
    return switch (method) {
      case "purchase" ->
          invalidPurchase(params)
              .map(problem -> FakeReferralCandyAnswer.message(400, problem))
              .orElseGet(() -> success(serial));
      case "signup" ->
          missing(params, "email")
              .map(problem -> FakeReferralCandyAnswer.message(400, problem))
              .orElseGet(() -> success(serial));
      case "referral" ->
          missing(params, "customer_email")
              .map(problem -> FakeReferralCandyAnswer.message(400, problem))
              .orElseGet(
                  () ->
                      FakeReferralCandyAnswer.json(
                          200,
                          "message",
                          "Success",
                          "customer_email",
                          params.get("customer_email"),
                          "returned",
                          params.getOrDefault("returned", "false")));
      case "verify" -> FakeReferralCandyAnswer.message(200, "Verification Ok");
      default -> FakeReferralCandyAnswer.message(200, "Success");
    };
  }

  static FakeReferralCandyAnswer success(int serial) {
    return FakeReferralCandyAnswer.json(
        200,
        "message",
        "Success",
        "referralcorner_url",
        "https://fake.referralcandy.test/r/" + serial);
  }

  private static Optional<String> invalidPurchase(Map<String, String> params) {
    return missing(params, "first_name")
        .or(() -> missing(params, "email"))
        .or(() -> malformed(params, "order_timestamp", UNIX_SECONDS, "Unix seconds"))
        .or(() -> malformed(params, "invoice_amount", PLAIN_DECIMAL, "a plain decimal"))
        .or(() -> malformed(params, "currency_code", CURRENCY, "an upper-case ISO 4217 code"));
  }

  private static Optional<String> missing(Map<String, String> params, String name) {
    String value = params.get(name);
    return value == null || value.isBlank() ? Optional.of(name + " is required") : Optional.empty();
  }

  private static Optional<String> malformed(
      Map<String, String> params, String name, Pattern format, String expected) {
    return missing(params, name)
        .or(
            () ->
                format.matcher(params.get(name)).matches()
                    ? Optional.empty()
                    : Optional.of(name + " must be " + expected));
  }

  private static String sortedPairs(Map<String, String> params) {
    List<String> pairs = new ArrayList<>();
    params.forEach((name, value) -> pairs.add(name + "=" + value));
    Collections.sort(pairs);
    return String.join("", pairs);
  }

  private static String md5Hex(String text) {
    try {
      StringBuilder hex = new StringBuilder();
      for (byte b : MessageDigest.getInstance("MD5").digest(text.getBytes(UTF_8))) {
        hex.append(String.format("%02x", b & 0xff));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
