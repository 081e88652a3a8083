package candybridge.workflow;

import candybridge.config.ConfigException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads workflow files (YAML; see {@code examples/workflows.yaml}) into {@link Workflow}. Every
 * problem is collected with the workflow and the field it is in, and reported at once as a {@link
 * ConfigException}, so start-up stops with one message naming them all.
 */
public final class WorkflowFile {
  /** The triggers a workflow may name: Stripe event types this service knows how to read. */
  public static final Set<String> TRIGGERS =
      Set.of(
          "checkout.session.completed",
          "checkout.session.async_payment_succeeded",
          "checkout.session.async_payment_failed",
          "checkout.session.expired",
          "invoice.payment_failed",
          "invoice.paid",
          "customer.subscription.created",
          "customer.subscription.updated",
          "customer.subscription.deleted",
          "customer.created",
          "charge.succeeded",
          "charge.refunded");

  private static final String BUILT_IN = "workflows/default.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final List<String> WORKFLOW_KEYS =
      List.of("name", "enabled", "trigger", "filter", "action", "dedupe_key", "params");
  private static final List<String> SOURCE_KEYS =
      List.of("field", "value", "param", "lookup", "id", "transform");

  private final String origin;
  private final List<String> problems = new ArrayList<>();

  private WorkflowFile(String origin) {
    this.origin = origin;
  }

  /** The built-in workflows, from the resource that documents them. */
  static List<WorkflowDefinition> builtIn() {
    try (InputStream in = WorkflowFile.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
      if (in == null) {
        throw new IllegalStateException("built-in workflows missing from the build: " + BUILT_IN);
      }
      return new WorkflowFile(BUILT_IN)
          .parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), List.of());
    } catch (IOException e) {
      throw new IllegalStateException("could not read " + BUILT_IN, e);
    }
  }

  /** Reads a workflow file; its workflows replace or extend the built-in ones as it says. */
  public static Workflow load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          List.of("--config " + file + ": cannot be read (" + e.getMessage() + ")"));
    }
    return parse(text, file.toString());
  }

  /** Parses workflow-file text; {@code origin} names it in messages. */
  public static Workflow parse(String text, String origin) {
    return Workflow.of(new WorkflowFile(origin).parse(text, builtIn()));
  }

  private List<WorkflowDefinition> parse(String text, List<WorkflowDefinition> builtIns) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException(List.of(origin + ": not valid YAML: " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(List.of(origin + ": expected a mapping with a 'workflows' list"));
    }
    unknownKeys(root, List.of("default_workflows", "workflows"), origin + ": '");
    String mode = root.path("default_workflows").asText("keep");
    if (!mode.equals("keep") && !mode.equals("replace")) {
      problems.add(origin + ": default_workflows must be keep or replace, not '" + mode + "'");
    }
    JsonNode list = root.path("workflows");
    if (!list.isArray()) {
      problems.add(origin + ": 'workflows' must be a list");
    }
    Map<String, WorkflowDefinition> byName = new LinkedHashMap<>();
    if (mode.equals("keep")) {
      builtIns.forEach(d -> byName.put(d.name(), d));
    }
    List<String> seen = new ArrayList<>();
    int index = 0;
    for (JsonNode w : list) {
      String name = w.path("name").asText("").strip();
      String where = "workflow " + (name.isEmpty() ? "#" + (index + 1) : "'" + name + "'");
      index++;
      if (name.isEmpty()) {
        problems.add(origin + ": " + where + ": field 'name' is required");
        continue;
      }
      if (seen.contains(name)) {
        problems.add(origin + ": " + where + ": field 'name': defined twice");
        continue;
      }
      seen.add(name);
      definition(w, name, where).ifPresent(d -> byName.put(d.name(), d));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return List.copyOf(byName.values());
  }

  private Optional<WorkflowDefinition> definition(JsonNode w, String name, String where) {
    int before = problems.size();
    String at = origin + ": " + where + ", field ";
    unknownKeys(w, WORKFLOW_KEYS, at + "'");
    boolean enabled = !w.has("enabled") || w.path("enabled").asBoolean(false);
    if (w.has("enabled") && !w.path("enabled").isBoolean()) {
      problems.add(at + "'enabled': must be true or false");
    }
    String trigger = w.path("trigger").asText("");
    if (!TRIGGERS.contains(trigger)) {
      problems.add(
          at + "'trigger': unknown trigger '" + trigger + "' (known: " + sorted(TRIGGERS) + ")");
    }
    String actionKey = w.path("action").asText("");
    Optional<Action> action = Action.fromKey(actionKey);
    if (action.isEmpty()) {
      problems.add(
          at
              + "'action': unknown action '"
              + actionKey
              + "' (known: "
              + Arrays.stream(Action.values()).map(Action::key).collect(Collectors.joining(", "))
              + ")");
    }
    List<Condition> filter = filter(w.path("filter"), at);
    DedupeKey key = null;
    try {
      key = DedupeKey.parse(w.path("dedupe_key").asText(name + ":{$event.id}"));
    } catch (IllegalArgumentException e) {
      problems.add(at + "'dedupe_key': " + e.getMessage());
    }
    List<ParamMapping> params = action.map(a -> params(w.path("params"), a, at)).orElse(List.of());
    if (problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(
        new WorkflowDefinition(name, enabled, trigger, filter, action.get(), key, params));
  }

  private List<Condition> filter(JsonNode node, String at) {
    List<Condition> out = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      problems.add(at + "'filter': must be a list of conditions");
      return out;
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode c = node.get(i);
      String here = at + "'filter[" + i + "]";
      List<String> operators = new ArrayList<>();
      c.fieldNames()
          .forEachRemaining(
              k -> {
                if (!k.equals("field")) operators.add(k);
              });
      if (operators.size() != 1) {
        problems.add(
            here
                + "': needs 'field' and exactly one operator (equals, not_equals, in, exists, gt, gte, lt, lte)");
        continue;
      }
      Optional<Condition.Operator> op = Condition.Operator.fromKey(operators.get(0));
      if (op.isEmpty()) {
        problems.add(
            here
                + "."
                + operators.get(0)
                + "': unknown operator (known: equals, not_equals, in, exists, gt, gte, lt, lte)");
        continue;
      }
      JsonNode operand = c.get(operators.get(0));
      String operandProblem =
          switch (op.get()) {
            case IN -> operand.isArray() && !operand.isEmpty() ? null : "must be a non-empty list";
            case EXISTS -> operand.isBoolean() ? null : "must be true or false";
            case GT, GTE, LT, LTE -> operand.isNumber() ? null : "must be a number";
            case EQUALS, NOT_EQUALS ->
                operand.isValueNode() && !operand.isNull() ? null : "must be a single value";
          };
      if (operandProblem != null) {
        problems.add(here + "." + operators.get(0) + "': " + operandProblem);
        continue;
      }
      fieldPath(c.path("field"), here + ".field'")
          .ifPresent(p -> out.add(new Condition(p, op.get(), operand)));
    }
    return out;
  }

  private List<ParamMapping> params(JsonNode node, Action action, String at) {
    List<ParamMapping> out = new ArrayList<>();
    if (!node.isObject()) {
      problems.add(at + "'params': must map ReferralCandy parameters to sources");
      return out;
    }
    List<String> mapped = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String param = e.getKey();
      String here = at + "'params." + param;
      if (!action.accepts(param)) {
        problems.add(
            here
                + "': "
                + action.key()
                + " takes no parameter '"
                + param
                + "' (it takes: "
                + String.join(", ", action.allParams())
                + ")");
        continue;
      }
      List<Source> sources = sources(e.getValue(), here, mapped);
      mapped.add(param);
      if (!sources.isEmpty()) {
        out.add(new ParamMapping(param, sources, action.required().contains(param)));
      }
    }
    for (String required : action.required()) {
      if (!mapped.contains(required)) {
        problems.add(
            at + "'params." + required + "': required by " + action.key() + " but not mapped");
      }
    }
    return out;
  }

  private List<Source> sources(JsonNode node, String here, List<String> earlierParams) {
    List<JsonNode> items = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(items::add);
    } else {
      items.add(node);
    }
    if (items.isEmpty()) {
      problems.add(here + "': has no source");
    }
    List<Source> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String at = node.isArray() ? here + "[" + i + "]" : here;
      source(items.get(i), at, earlierParams).ifPresent(out::add);
    }
    return out;
  }

  private Optional<Source> source(JsonNode s, String at, List<String> earlierParams) {
    if (s.isTextual()) {
      return fieldPath(s, at + "'").map(p -> new Source.Field(p, Transform.NONE));
    }
    if (!s.isObject()) {
      problems.add(
          at + "': a source is a field path or a mapping with field, value, param or lookup");
      return Optional.empty();
    }
    unknownKeys(s, SOURCE_KEYS, at + ".");
    Transform transform = Transform.NONE;
    if (s.has("transform")) {
      Optional<Transform> t = Transform.fromKey(s.path("transform").asText(""));
      if (t.isEmpty()) {
        problems.add(
            at
                + ".transform': unknown transform '"
                + s.path("transform").asText("")
                + "' (known: "
                + Arrays.stream(Transform.values())
                    .filter(x -> x != Transform.NONE)
                    .map(Transform::key)
                    .collect(Collectors.joining(", "))
                + ")");
        return Optional.empty();
      }
      transform = t.get();
    }
    List<String> kinds = new ArrayList<>();
    for (String k : List.of("field", "value", "param", "lookup")) {
      if (s.has(k)) kinds.add(k);
    }
    if (kinds.size() != 1) {
      problems.add(at + "': needs exactly one of field, value, param, lookup");
      return Optional.empty();
    }
    switch (kinds.get(0)) {
      case "field":
        Transform ft = transform;
        return fieldPath(s.path("field"), at + ".field'").map(p -> new Source.Field(p, ft));
      case "value":
        if (s.has("transform")) {
          problems.add(at + ".transform': a fixed value is sent as written; write it transformed");
          return Optional.empty();
        }
        if (!s.path("value").isValueNode() || s.path("value").isNull()) {
          problems.add(at + ".value': must be a single value");
          return Optional.empty();
        }
        return Optional.of(new Source.Literal(s.path("value").asText()));
      case "param":
        String p = s.path("param").asText("");
        if (!earlierParams.contains(p)) {
          problems.add(at + ".param': '" + p + "' is not a parameter mapped above this one");
          return Optional.empty();
        }
        return Optional.of(new Source.Param(p, transform));
      default:
        Optional<Lookups.Kind> kind = Lookups.Kind.fromKey(s.path("lookup").asText(""));
        if (kind.isEmpty()) {
          problems.add(
              at
                  + ".lookup': unknown lookup '"
                  + s.path("lookup").asText("")
                  + "' (known: "
                  + Arrays.stream(Lookups.Kind.values())
                      .map(Lookups.Kind::key)
                      .collect(Collectors.joining(", "))
                  + ")");
          return Optional.empty();
        }
        if (!s.has("id")) {
          problems.add(
              at + ".id': a lookup needs the field holding the object id (e.g. id: customer)");
          return Optional.empty();
        }
        Transform lt = transform;
        return fieldPath(s.path("id"), at + ".id'")
            .map(id -> new Source.Lookup(kind.get(), id, lt));
    }
  }

  private Optional<FieldPath> fieldPath(JsonNode node, String at) {
    try {
      return Optional.of(FieldPath.parse(node.isTextual() ? node.asText() : null));
    } catch (IllegalArgumentException e) {
      problems.add(at + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private void unknownKeys(JsonNode node, List<String> known, String at) {
    node.fieldNames()
        .forEachRemaining(
            k -> {
              if (!known.contains(k)) {
                problems.add(at + k + "': unknown key (known: " + String.join(", ", known) + ")");
              }
            });
  }

  private static String sorted(Set<String> values) {
    return values.stream().sorted().collect(Collectors.joining(", "));
  }
}
