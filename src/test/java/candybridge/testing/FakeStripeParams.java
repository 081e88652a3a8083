package candybridge.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Query strings and form bodies as the fake Stripe API reads them: names and values decoded, in
 * order of arrival, a repeated name keeping every value; and the two shapes Stripe accepts for an
 * array, {@code name[]=a&name[]=b} and {@code name[0]=a&name[1]=b}.
 */
final class FakeStripeParams {
  private FakeStripeParams() {}

  /** {@code a=1&b=2&b=3} as {@code {a=[1], b=[2, 3]}}; empty for null or "". */
  static Map<String, List<String>> parse(String raw) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return params;
  }

  /** The first value of {@code name}, or {@code otherwise} when it is absent. */
  static String first(Map<String, List<String>> params, String name, String otherwise) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? otherwise : values.get(0);
  }

  /** {@code name[]=a&name[]=b} or {@code name[0]=a&name[1]=b}, in order. */
  static List<String> indexed(Map<String, List<String>> params, String name) {
    List<String> values = new ArrayList<>();
    params.forEach(
        (k, v) -> {
          if (k.equals(name + "[]") || k.matches(Pattern.quote(name) + "\\[\\d+]")) {
            values.addAll(v);
          }
        });
    return values;
  }

  /** A percent-encoded path segment or parameter, decoded as UTF-8. */
  static String decode(String segment) {
    return URLDecoder.decode(segment, UTF_8);
  }
}
