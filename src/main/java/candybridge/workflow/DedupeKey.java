package candybridge.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The business identity of a workflow's call, e.g. {@code purchase:{id}}: the store keeps at most
 * one delivery per key, so one sale is one purchase whatever events arrive, in whatever order.
 */
record DedupeKey(String template, List<FieldPath> fields) {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

  static DedupeKey parse(String template) {
    List<FieldPath> fields = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      fields.add(FieldPath.parse(m.group(1)));
    }
    String rest = PLACEHOLDER.matcher(template).replaceAll("");
    if (rest.contains("{") || rest.contains("}")) {
      throw new IllegalArgumentException("'" + template + "' has an unbalanced { or }");
    }
    if (fields.isEmpty()) {
      throw new IllegalArgumentException(
          "'"
              + template
              + "' names no field: every event would share one key (use e.g. purchase:{id})");
    }
    return new DedupeKey(template, List.copyOf(fields));
  }

  /** The key for this event, or empty naming the field that is missing. */
  Result render(EventView view) {
    StringBuilder out = new StringBuilder();
    Matcher m = PLACEHOLDER.matcher(template);
    int i = 0;
    while (m.find()) {
      FieldPath field = fields.get(i++);
      Optional<String> value = field.text(view);
      if (value.isEmpty()) {
        return new Result(Optional.empty(), field.text());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value.get()));
    }
    m.appendTail(out);
    return new Result(Optional.of(out.toString()), "");
  }

  record Result(Optional<String> key, String missingField) {}
}
