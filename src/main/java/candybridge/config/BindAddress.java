package candybridge.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * {@code CANDYBRIDGE_BIND_ADDRESS}: an IPv4 or IPv6 literal, or {@code localhost}. Never a host
 * name to look up: what the server listens on must not depend on DNS at start-up.
 */
final class BindAddress {
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  private BindAddress() {}

  /** The address as the server takes it ({@code [::1]} loses its brackets); throws when not one. */
  static String parse(String raw) {
    String value = raw.trim();
    if (value.equalsIgnoreCase("localhost")) {
      return "localhost";
    }
    if (IPV4.matcher(value).matches()) {
      return value;
    }
    String v6 =
        value.startsWith("[") && value.endsWith("]")
            ? value.substring(1, value.length() - 1)
            : value;
    // A string with a colon is parsed as an IPv6 literal, never looked up; anything else is
    // refused.
    if (v6.contains(":")
        && v6.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
      try {
        InetAddress.getByName(v6);
        return v6;
      } catch (UnknownHostException e) {
        return refuse(raw);
      }
    }
    return refuse(raw);
  }

  /** For a value {@link #parse} returned: a loopback literal ({@code 127.x.x.x}, {@code ::1}). */
  static boolean isLoopback(String address) {
    if (address.equals("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String refuse(String raw) {
    throw new IllegalArgumentException(
        "'" + raw.trim() + "' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1) or localhost");
  }
}
