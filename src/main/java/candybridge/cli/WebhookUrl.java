package candybridge.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * The public URL Stripe posts webhooks to: https with a host and a path (plain http only for this
 * machine, e.g. a tunnel or a test), as Stripe lists it.
 */
record WebhookUrl(URI uri) {
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  /** Parses or throws IllegalArgumentException saying what to give instead. */
  static WebhookUrl parse(String raw) {
    String text = raw == null ? "" : raw.strip();
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a URL; give https://HOST/webhooks/stripe", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (host.isEmpty() || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an https URL; give https://HOST/webhooks/stripe");
    }
    if (scheme.equals("http") && !LOOPBACK.contains(host)) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is plain http: Stripe sends live webhooks only to"
              + " https; give https://"
              + host
              + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
              + uri.getRawPath()
              + " (http is allowed only for 127.0.0.1 and localhost)");
    }
    if (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' has no path; give the webhook route, e.g. "
              + scheme
              + "://"
              + host
              + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
              + "/webhooks/stripe");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' has a query, fragment or user name; give"
              + " https://HOST/webhooks/stripe");
    }
    return new WebhookUrl(uri);
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
