package candybridge.demo;

import java.util.List;

/** The text the {@code demo} command prints around the outcome table. */
public final class DemoReport {
  private DemoReport() {}

  /** The introduction, the outcome table and the calls the demo ReferralCandy received. */
  public static String render(Demo demo, List<DemoOutcome> outcomes) {
    return String.format(
            "%nCandybridge demo: the real service on a throw-away SQLite file, a built-in ReferralCandy%n"
                + "stand-in at %s that checks every signature like the real one, and %d sample%n"
                + "Stripe events sent signed to %s.%n%n",
            demo.referralCandy().apiBase(),
            outcomes.size(),
            demo.baseUrl().resolve("/webhooks/stripe"))
        + DemoTable.render(outcomes, demo.referralCandy().received());
  }

  /** Where to look next while the demo keeps running. */
  public static String keepsRunning(Demo demo) {
    String base = demo.baseUrl().toString();
    return String.format(
        "%nThe service keeps running; Ctrl-C stops it and deletes the demo database.%n"
            + "  admin page   %s/admin  (any user name, the token as password)%n"
            + "  admin token  %s%n"
            + "  admin API    curl -H 'Authorization: Bearer %s' %s/api/deliveries%n"
            + "  send more    STRIPE_WEBHOOK_SECRET=%s scripts/sign-and-send.sh EVENT.json %s/webhooks/stripe%n",
        base, demo.adminToken(), demo.adminToken(), base, demo.webhookSecret(), base);
  }

  /**
   * Whether the run shows what it should: nothing rejected, failed or left pending, and every call
   * the demo ReferralCandy received signed correctly.
   */
  public static boolean isAsExpected(
      List<DemoOutcome> outcomes, List<DemoReferralCandy.Received> received) {
    return outcomes.stream()
            .noneMatch(
                o ->
                    o.kind() == DemoOutcome.Kind.REJECTED
                        || o.kind() == DemoOutcome.Kind.FAILED
                        || o.kind() == DemoOutcome.Kind.PENDING)
        && received.stream().allMatch(DemoReferralCandy.Received::signatureValid);
  }
}
