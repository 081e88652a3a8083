package candybridge.workflow;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One filter condition of a workflow: a field, an operator and its operand. A missing field or a
 * value of the wrong type never throws: the condition is simply false (except {@code exists:
 * false}, which holds for a missing field).
 */
record Condition(FieldPath field, Operator operator, JsonNode operand) {
  /** The operators of workflow files. */
  enum Operator {
    EQUALS,
    NOT_EQUALS,
    IN,
    EXISTS,
    GT,
    GTE,
    LT,
    LTE;

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Operator> fromKey(String key) {
      for (Operator o : values()) {
        if (o.key().equals(key)) return Optional.of(o);
      }
      return Optional.empty();
    }
  }

  /** Values shown in reasons only when they cannot be customer data (no e-mail, short tokens). */
  private static final Pattern SHOWABLE = Pattern.compile("[A-Za-z0-9_.:-]{1,40}");

  Condition {
    requireNonNull(field, "field == null");
    requireNonNull(operator, "operator == null");
    requireNonNull(operand, "operand == null");
  }

  /** Empty when the condition holds, else why not (safe to log: no customer data). */
  Optional<String> failure(EventView view) {
    JsonNode value = field.resolve(view);
    boolean present = !value.isMissingNode() && !value.isNull();
    boolean holds =
        switch (operator) {
          case EXISTS -> present == operand.asBoolean();
          case EQUALS -> present && sameScalar(value, operand);
          // A missing, null or non-scalar value makes not_equals false too (see the class doc).
          case NOT_EQUALS -> present && value.isValueNode() && !sameScalar(value, operand);
          case IN -> present && inList(value);
          case GT -> compare(value).map(c -> c > 0).orElse(false);
          case GTE -> compare(value).map(c -> c >= 0).orElse(false);
          case LT -> compare(value).map(c -> c < 0).orElse(false);
          case LTE -> compare(value).map(c -> c <= 0).orElse(false);
        };
    if (holds) {
      return Optional.empty();
    }
    String actual = present ? "is " + show(value) : "is missing";
    return Optional.of(field + " " + actual + ", expected " + operator.key() + " " + show(operand));
  }

  private static boolean sameScalar(JsonNode value, JsonNode expected) {
    if (!value.isValueNode()) {
      return false;
    }
    if (value.isNumber() && expected.isNumber()) {
      Optional<BigDecimal> a = decimal(value);
      Optional<BigDecimal> b = decimal(expected);
      return a.isPresent() && b.isPresent() && a.get().compareTo(b.get()) == 0;
    }
    if (value.isBoolean() || expected.isBoolean()) {
      return value.isBoolean()
          && expected.isBoolean()
          && value.booleanValue() == expected.booleanValue();
    }
    return value.asText().equals(expected.asText());
  }

  private boolean inList(JsonNode value) {
    for (JsonNode candidate : operand) {
      if (sameScalar(value, candidate)) return true;
    }
    return false;
  }

  /** The sign of value minus operand; empty unless both are finite numbers (or numeric text). */
  private Optional<Integer> compare(JsonNode value) {
    Optional<BigDecimal> v = value.isTextual() ? number(value.asText()) : decimal(value);
    Optional<BigDecimal> o = decimal(operand);
    if (v.isEmpty() || o.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Integer.signum(v.get().compareTo(o.get())));
  }

  /** A JSON number as a decimal; empty for anything else, and for infinity and NaN. */
  private static Optional<BigDecimal> decimal(JsonNode node) {
    if (!node.isNumber()
        || ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue()))) {
      return Optional.empty();
    }
    return Optional.of(node.decimalValue());
  }

  private static Optional<BigDecimal> number(String text) {
    try {
      return Optional.of(new BigDecimal(text.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String show(JsonNode node) {
    if (node.isArray()) {
      return "["
          + toList(node).stream().map(Condition::show).collect(Collectors.joining(", "))
          + "]";
    }
    if (node.isNumber() || node.isBoolean()) {
      return node.asText();
    }
    if (node.isTextual() && SHOWABLE.matcher(node.asText()).matches()) {
      return "'" + node.asText() + "'";
    }
    return node.isContainerNode()
        ? "(" + node.getNodeType().name().toLowerCase(Locale.ROOT) + ")"
        : "(a value not shown)";
  }

  private static List<JsonNode> toList(JsonNode array) {
    List<JsonNode> out = new java.util.ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  @Override
  public String toString() {
    return field + " " + operator.key() + " " + show(operand);
  }
}
