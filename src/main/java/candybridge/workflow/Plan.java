package candybridge.workflow;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What the workflows decided for one event: the calls to make (possibly none), each workflow's
 * decision, and a one-line, e-mail-free summary, kept with the event for history.
 */
public record Plan(List<PlannedDelivery> deliveries, List<Decision> decisions, String summary) {
  public Plan {
    deliveries = List.copyOf(requireNonNull(deliveries, "deliveries == null"));
    decisions = List.copyOf(requireNonNull(decisions, "decisions == null"));
    requireNonNull(summary, "summary == null");
  }

  public static Plan nothing(String summary) {
    return new Plan(List.of(), List.of(), summary);
  }
}
