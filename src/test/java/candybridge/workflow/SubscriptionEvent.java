package candybridge.workflow;

import candybridge.stripe.StripeEvent;
import candybridge.testing.Fixtures;
import java.util.OptionalLong;

/**
 * Builds {@code customer.subscription.created} events (event evt_sub, subscription sub_1) with or
 * without a customer id and a metadata e-mail, and the view a workflow plans from.
 */
final class SubscriptionEvent {
  private SubscriptionEvent() {}

  static EventView view(StripeEvent event) {
    return new EventView(event, OptionalLong::empty);
  }

  static StripeEvent subscription(String customer, String metadataEmail) {
    return Fixtures.parse(subscriptionJson(customer, metadataEmail));
  }

  static String subscriptionJson(String customer, String metadataEmail) {
    return """
        {"id": "evt_sub", "type": "customer.subscription.created", "created": 1789110002,
         "api_version": "2026-07-29.dahlia",
         "data": {"object": {"id": "sub_1", "object": "subscription", "currency": "usd",
           "customer": %s, "metadata": {%s}}}}
        """
        .formatted(
            customer == null ? "null" : "\"" + customer + "\"",
            metadataEmail == null ? "" : "\"email\": \"" + metadataEmail + "\"");
  }
}
