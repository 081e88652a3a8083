package candybridge.workflow;

import candybridge.referralcandy.RcMethod;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The ReferralCandy methods a workflow can call, each with the parameters it accepts and those it
 * cannot do without (checked when the workflow file is read and again before sending).
 */
public enum Action {
  CREATE_PURCHASE(
      RcMethod.PURCHASE,
      List.of("first_name", "email", "order_timestamp", "invoice_amount", "currency_code"),
      List.of(
          "last_name",
          "browser_ip",
          "user_agent",
          "locale",
          "discount_code",
          "accepts_marketing",
          "external_reference_id",
          "referrer_id")),
  MARK_REFERRAL_RETURNED(
      RcMethod.REFERRAL, List.of("customer_email", "returned"), List.of("notify")),
  SIGN_UP_CONTACT(RcMethod.SIGNUP, List.of("email", "first_name"), List.of("last_name"));

  private final RcMethod method;
  private final List<String> required;
  private final List<String> optional;

  Action(RcMethod method, List<String> required, List<String> optional) {
    this.method = method;
    this.required = required;
    this.optional = optional;
  }

  public RcMethod method() {
    return method;
  }

  public List<String> required() {
    return required;
  }

  boolean accepts(String param) {
    return required.contains(param) || optional.contains(param);
  }

  List<String> allParams() {
    return java.util.stream.Stream.concat(required.stream(), optional.stream()).toList();
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<Action> fromKey(String key) {
    for (Action a : values()) {
      if (a.key().equals(key)) return Optional.of(a);
    }
    return Optional.empty();
  }

  /** The action whose method this is (one per method). */
  public static Action of(RcMethod method) {
    for (Action a : values()) {
      if (a.method == method) return a;
    }
    throw new IllegalStateException("no action calls " + method);
  }
}
