package candybridge.workflow;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Maps an event to a workflow's ReferralCandy parameters: each parameter's first source with a
 * value wins.
 */
final class Mapper {
  private Mapper() {}

  enum Status {
    /** Every parameter that has a value is mapped; the required ones all have one. */
    COMPLETE,
    /** A Stripe lookup is needed: redo at delivery. {@code params} holds what is known so far. */
    DEFERRED,
    /** A required parameter has no value: nothing may be sent. */
    BLOCKED
  }

  /** The parameters mapped and, when blocked, every problem (field names, never values). */
  record Result(Status status, SortedMap<String, String> params, List<String> problems) {
    Result {
      requireNonNull(status, "status == null");
      params = new TreeMap<>(params);
      problems = List.copyOf(problems);
    }
  }

  static Result map(WorkflowDefinition workflow, EventView view, Lookups lookups)
      throws Lookups.UnavailableException {
    SortedMap<String, String> params = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (ParamMapping param : workflow.params()) {
      Set<String> notes = new LinkedHashSet<>();
      Optional<String> value = Optional.empty();
      for (Source source : param.sources()) {
        if (source instanceof Source.Lookup lookup) {
          Optional<String> id = lookup.id().text(view);
          if (id.isEmpty()) {
            continue;
          }
          if (!lookups.available()) {
            notes.add("no STRIPE_API_KEY configured for the " + lookup.kind().key() + " lookup");
            continue;
          }
          if (lookups.deferred()) {
            return new Result(Status.DEFERRED, params, List.of());
          }
          value =
              lookups
                  .find(lookup.kind(), id.get())
                  .flatMap(v -> lookup.transform().apply(TextNode.valueOf(v), view));
        } else {
          value = valueOf(source, view, params);
        }
        if (value.isPresent()) {
          break;
        }
      }
      if (value.isPresent()) {
        params.put(param.name(), value.get());
      } else if (param.required()) {
        problems.add(
            param.name()
                + " has no value (tried "
                + param.sources().stream().map(Source::describe).collect(Collectors.joining(", "))
                + (notes.isEmpty() ? "" : "; " + String.join("; ", notes))
                + ")");
      }
    }
    return new Result(problems.isEmpty() ? Status.COMPLETE : Status.BLOCKED, params, problems);
  }

  private static Optional<String> valueOf(
      Source source, EventView view, SortedMap<String, String> params) {
    if (source instanceof Source.Literal literal) {
      return Optional.of(literal.value());
    }
    if (source instanceof Source.Field field) {
      return field.transform().apply(field.path().resolve(view), view);
    }
    if (source instanceof Source.Param p) {
      String earlier = params.get(p.name());
      JsonNode node = earlier == null ? MissingNode.getInstance() : TextNode.valueOf(earlier);
      return p.transform().apply(node, view);
    }
    throw new IllegalStateException("unhandled source " + source.getClass().getSimpleName());
  }
}
