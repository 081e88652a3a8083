package candybridge.workflow;

import static java.util.Objects.requireNonNull;

/**
 * What one workflow made of one event, kept with the event for history: whether it matched, and why
 * or why not (ids and field names only, never customer data).
 */
public record Decision(String workflow, boolean matched, String reason) {
  public Decision {
    requireNonNull(workflow, "workflow == null");
    requireNonNull(reason, "reason == null");
  }

  @Override
  public String toString() {
    return workflow + ": " + reason;
  }
}
