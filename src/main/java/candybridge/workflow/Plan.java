package candybridge.workflow;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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

  /** The summary of these decisions: each {@code workflow: reason}, joined with {@code " | "}. */
  static String summaryOf(List<Decision> decisions) {
    return decisions.stream().map(Decision::toString).collect(Collectors.joining(" | "));
  }

  /**
   * This plan as it is recorded when some of its dedupe keys were already planned (by an earlier
   * event for the same sale, or a concurrent one that committed first), so that nothing new was
   * planned for them: those deliveries are left out, the decision of each workflow that planned one
   * says {@code already planned as delivery #N (key)} (appended when the plan had none for that
   * workflow), and the summary is made again from the decisions. This plan itself when {@code
   * deliveryIdsByKey} names none of its keys.
   *
   * @param deliveryIdsByKey the id of the delivery that holds each key already planned
   */
  public Plan alreadyPlanned(Map<String, Long> deliveryIdsByKey) {
    requireNonNull(deliveryIdsByKey, "deliveryIdsByKey == null");
    List<PlannedDelivery> left = new ArrayList<>();
    List<Decision> honest = new ArrayList<>(decisions);
    for (PlannedDelivery d : deliveries) {
      Long id = deliveryIdsByKey.get(d.dedupeKey());
      if (id == null) {
        left.add(d);
        continue;
      }
      Decision already =
          new Decision(
              d.workflow(),
              true,
              "already planned as delivery #" + id + " (" + d.dedupeKey() + ")");
      int at = indexOf(honest, d.workflow());
      if (at < 0) {
        honest.add(already);
      } else {
        honest.set(at, already);
      }
    }
    return left.size() == deliveries.size() ? this : new Plan(left, honest, summaryOf(honest));
  }

  private static int indexOf(List<Decision> decisions, String workflow) {
    for (int i = 0; i < decisions.size(); i++) {
      if (decisions.get(i).workflow().equals(workflow)) {
        return i;
      }
    }
    return -1;
  }
}
