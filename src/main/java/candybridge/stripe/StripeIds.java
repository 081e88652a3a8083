package candybridge.stripe;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/** Loose validation of Stripe object ids before they go into a request path. */
final class StripeIds {
  // Stripe ids are letters, digits and '_'; we only refuse what could alter a URL.
  private static final Pattern UNSAFE = Pattern.compile("[/\\\\?#%\\s\\p{Cntrl}]");

  private StripeIds() {}

  static String require(String id, String what) {
    requireNonNull(id, what + " id == null");
    if (id.isBlank() || id.equals(".") || id.equals("..") || UNSAFE.matcher(id).find()) {
      throw new IllegalArgumentException("not a valid Stripe " + what + " id: " + quoted(id));
    }
    return id;
  }

  private static String quoted(String id) {
    String shown = id.length() > 60 ? id.substring(0, 60) + "…" : id;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
