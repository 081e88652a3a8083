package candybridge.demo;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders the demo's outcome table and the calls the demo ReferralCandy received, as plain text.
 */
final class DemoTable {
  private DemoTable() {}

  static String render(List<DemoOutcome> outcomes, List<DemoReferralCandy.Received> received) {
    StringBuilder out = new StringBuilder();
    int labelWidth =
        Math.max(6, outcomes.stream().mapToInt(o -> o.label().length()).max().orElse(0));
    int typeWidth =
        Math.max(11, outcomes.stream().mapToInt(o -> o.eventType().length()).max().orElse(0));
    String format = "%-2s %-" + labelWidth + "s  %-" + typeWidth + "s  %-9s  %s%n";
    out.append(String.format(format, "#", "sample", "Stripe event", "webhook", "outcome"));
    for (DemoOutcome o : outcomes) {
      out.append(
          String.format(
              format, o.number(), o.label(), o.eventType(), o.webhookAnswer(), o.kind().word()));
      out.append("     ").append(o.detail()).append(System.lineSeparator());
    }
    for (DemoOutcome o : outcomes) {
      for (DemoReferralCandy.Received call : o.calls()) {
        out.append(
            String.format(
                "%n#%d sent %s, ReferralCandy checked the signature: %s%n",
                o.number(), call.method(), call.signatureValid() ? "valid" : "INVALID"));
        Map<String, String> params = new TreeMap<>(call.params());
        int width = params.keySet().stream().mapToInt(String::length).max().orElse(0);
        params.forEach((k, v) -> out.append(String.format("    %-" + width + "s = %s%n", k, v)));
      }
    }
    long valid = received.stream().filter(DemoReferralCandy.Received::signatureValid).count();
    out.append(
        String.format(
            "%nThe demo ReferralCandy received %d call%s, %d with a valid signature.%n",
            received.size(), received.size() == 1 ? "" : "s", valid));
    for (DemoReferralCandy.Received call : received) {
      out.append(
          String.format(
              "  received %s external_reference_id=%s signature=%s%n",
              call.method(),
              call.params().getOrDefault("external_reference_id", "-"),
              call.signatureValid() ? "valid" : "invalid"));
    }
    return out.toString();
  }
}
