package candybridge.workflow;

import static java.util.Objects.requireNonNull;

import candybridge.stripe.StripeEvent;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Decides which ReferralCandy calls a Stripe event leads to (DESIGN.md §3). Pure: no I/O, no clock,
 * no state besides its configuration, so it is safe to share between threads.
 *
 * <p>One purchase per checkout session: every planned purchase carries the dedupe key {@code
 * purchase:<session id>}, so whether the session is paid at completion or later through {@code
 * checkout.session.async_payment_succeeded}, and whatever order the events arrive in, the store
 * keeps a single delivery.
 */
public final class Workflow {
  static final String SESSION_COMPLETED = "checkout.session.completed";
  static final String ASYNC_PAYMENT_SUCCEEDED = "checkout.session.async_payment_succeeded";
  static final String ASYNC_PAYMENT_FAILED = "checkout.session.async_payment_failed";

  private static final Set<String> HANDLED =
      Set.of(
          SESSION_COMPLETED,
          ASYNC_PAYMENT_SUCCEEDED,
          ASYNC_PAYMENT_FAILED,
          "invoice.payment_failed",
          "customer.subscription.created",
          "charge.refunded");

  private final boolean purchaseWhenNoPaymentRequired;

  /**
   * @param purchaseWhenNoPaymentRequired whether a completed session with {@code payment_status}
   *     {@code no_payment_required} (free trial, 100 % discount) becomes a purchase; {@code false}
   *     in production unless configured
   */
  public Workflow(boolean purchaseWhenNoPaymentRequired) {
    this.purchaseWhenNoPaymentRequired = purchaseWhenNoPaymentRequired;
  }

  /**
   * Whether this service stores events of this type: the three checkout session events, {@code
   * invoice.payment_failed}, {@code customer.subscription.created} and {@code charge.refunded}.
   * Other types are acknowledged and dropped by the caller.
   */
  public boolean handles(String eventType) {
    return eventType != null && HANDLED.contains(eventType);
  }

  /**
   * Plans the calls for one event. Never throws for missing or unexpected fields: a session that
   * cannot become a complete purchase yields a blocked delivery or no delivery, with the why in the
   * summary. The summary names ids but never the buyer's e-mail address. Types that {@link
   * #handles} rejects, and handled types without a workflow yet, yield no delivery.
   *
   * @param sessionCompletedAt {@code created} of an already stored {@code
   *     checkout.session.completed} event for the same session, if any; used as {@code
   *     order_timestamp} when the purchase is planned from {@code
   *     checkout.session.async_payment_succeeded}, and ignored otherwise
   */
  public Plan plan(StripeEvent event, OptionalLong sessionCompletedAt) {
    requireNonNull(event, "event == null");
    requireNonNull(sessionCompletedAt, "sessionCompletedAt == null");
    switch (event.type()) {
      case SESSION_COMPLETED:
        return sessionCompleted(event);
      case ASYNC_PAYMENT_SUCCEEDED:
        return purchase(event, sessionCompletedAt.orElse(event.created()));
      case ASYNC_PAYMENT_FAILED:
        return Plan.nothing(
            "async payment failed for checkout session " + sessionLabel(event) + ": no purchase");
      default:
        return Plan.nothing("no workflow configured for " + event.type());
    }
  }

  private Plan sessionCompleted(StripeEvent event) {
    String status = JsonText.at(event.object(), "payment_status").orElse("");
    String session = "checkout session " + sessionLabel(event);
    switch (status) {
      case "paid":
        return purchase(event, event.created());
      case "unpaid":
        return Plan.nothing(
            session
                + " is unpaid: waiting for "
                + ASYNC_PAYMENT_SUCCEEDED
                + " before the purchase");
      case "no_payment_required":
        return purchaseWhenNoPaymentRequired
            ? purchase(event, event.created())
            : Plan.nothing(
                session
                    + " needs no payment (no_payment_required): skipped, purchases without payment"
                    + " are not enabled");
      case "":
        return Plan.nothing(session + " has no payment_status: no purchase");
      default:
        return Plan.nothing(
            session + " has unknown payment_status " + printable(status) + ": no purchase");
    }
  }

  private static Plan purchase(StripeEvent event, long orderTimestamp) {
    String sessionId = JsonText.at(event.object(), "id").orElse("");
    if (sessionId.isEmpty()) {
      return Plan.nothing(
          event.type() + " event " + event.id() + " has no session id: no purchase");
    }
    PlannedDelivery delivery = CheckoutPurchase.plan(event.object(), sessionId, orderTimestamp);
    String summary =
        delivery
            .blockedReason()
            .map(reason -> "purchase blocked: " + reason)
            .orElse("purchase planned for checkout session " + sessionId);
    return new Plan(List.of(delivery), summary);
  }

  /** Echoes only enum-like values, so a summary cannot carry arbitrary (personal) text. */
  private static String printable(String value) {
    return value.matches("[a-z_]{1,40}") ? value : "(unexpected value)";
  }

  /** The session id for summaries, or a placeholder naming the event when it is missing. */
  private static String sessionLabel(StripeEvent event) {
    return JsonText.at(event.object(), "id").orElse("(no id, event " + event.id() + ")");
  }
}
