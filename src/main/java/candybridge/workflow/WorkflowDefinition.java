package candybridge.workflow;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One workflow: when {@code trigger} arrives and every condition holds, call {@code action} with
 * the mapped parameters, at most once per dedupe key.
 */
public record WorkflowDefinition(
    String name,
    boolean enabled,
    String trigger,
    List<Condition> filter,
    Action action,
    DedupeKey dedupeKey,
    List<ParamMapping> params) {
  public WorkflowDefinition {
    requireNonNull(name, "name == null");
    requireNonNull(trigger, "trigger == null");
    filter = List.copyOf(filter);
    requireNonNull(action, "action == null");
    requireNonNull(dedupeKey, "dedupeKey == null");
    params = List.copyOf(params);
  }
}
