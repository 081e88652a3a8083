package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.stripe.StripeEvent;
import candybridge.testing.Fixtures;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Builds small checkout session events for table-driven tests: a minimal paid session that each
 * test changes one field at a time, addressed by dotted paths such as {@code
 * customer_details.name}.
 */
final class SessionEvent {
  static final String SESSION_ID = "cs_test_rule1";
  static final long CREATED = 1_789_466_652L;
  static final String EMAIL = "jenny.rosen@example.com";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode envelope;

  private SessionEvent(ObjectNode envelope) {
    this.envelope = envelope;
  }

  /** A {@code checkout.session.completed} event for a paid 30.00 USD session by Jenny Rosen. */
  static SessionEvent paid() {
    return from(
        """
        {
          "id": "evt_test_rule1",
          "object": "event",
          "api_version": "2026-07-29.dahlia",
          "created": 1789466652,
          "type": "checkout.session.completed",
          "data": {
            "object": {
              "id": "cs_test_rule1",
              "object": "checkout.session",
              "amount_total": 3000,
              "currency": "usd",
              "consent": null,
              "customer_details": {
                "email": "jenny.rosen@example.com",
                "name": "Jenny Rosen"
              },
              "customer_email": null,
              "locale": null,
              "metadata": {},
              "payment_status": "paid",
              "status": "complete"
            }
          }
        }
        """);
  }

  /** Any event text, to be changed further. */
  static SessionEvent from(String json) {
    try {
      return new SessionEvent((ObjectNode) JSON.readTree(json));
    } catch (Exception e) {
      throw new IllegalArgumentException("test event is not valid JSON", e);
    }
  }

  SessionEvent type(String type) {
    envelope.put("type", type);
    return this;
  }

  SessionEvent created(long created) {
    envelope.put("created", created);
    return this;
  }

  /**
   * Sets a session field; {@code null} writes JSON null. Missing parent objects are created.
   * Numbers are written as JSON numbers, everything else as text.
   */
  SessionEvent with(String dottedPath, Object value) {
    String[] parts = dottedPath.split("\\.");
    ObjectNode parent = parentOf(parts);
    String field = parts[parts.length - 1];
    if (value == null) {
      parent.putNull(field);
    } else if (value instanceof Long number) {
      parent.put(field, number);
    } else if (value instanceof Integer number) {
      parent.put(field, number);
    } else if (value instanceof Double number) {
      parent.put(field, number);
    } else {
      parent.put(field, value.toString());
    }
    return this;
  }

  /** Sets a session field to a JSON value given as text, such as an array or object. */
  SessionEvent withJson(String dottedPath, String json) {
    String[] parts = dottedPath.split("\\.");
    ObjectNode parent = parentOf(parts);
    try {
      parent.set(parts[parts.length - 1], JSON.readTree(json));
    } catch (Exception e) {
      throw new IllegalArgumentException("test value is not valid JSON: " + json, e);
    }
    return this;
  }

  /** Removes a session field, as an older API version that lacks it would. */
  SessionEvent without(String dottedPath) {
    String[] parts = dottedPath.split("\\.");
    ObjectNode parent = session();
    for (int i = 0; i < parts.length - 1; i++) {
      if (!(parent.get(parts[i]) instanceof ObjectNode child)) {
        return this;
      }
      parent = child;
    }
    parent.remove(parts[parts.length - 1]);
    return this;
  }

  /**
   * The plan of the built-in workflows ({@code no_payment_required} not purchased, no Stripe API
   * key) for this event, after checking that its summary and reasons hold no e-mail address.
   */
  Plan plan() {
    return plan(Workflow.defaults());
  }

  /** The plan of these workflows, without a Stripe API key, checked free of e-mail addresses. */
  Plan plan(Workflow workflow) {
    Plan plan = workflow.plan(EventView.of(build()), Lookups.atIngest(false));
    assertNoEmailIn(plan);
    return plan;
  }

  static void assertNoEmailIn(Plan plan) {
    assertThat(plan.summary()).doesNotContain("@");
    assertThat(plan.decisions()).allSatisfy(d -> assertThat(d.reason()).doesNotContain("@"));
    assertThat(plan.deliveries())
        .allSatisfy(d -> assertThat(d.blockedReason().orElse("")).doesNotContain("@"));
  }

  /** The parameters of the single purchase planned for this event, which must be ready to send. */
  Map<String, String> purchaseParams() {
    Plan plan = plan();
    assertThat(plan.deliveries()).hasSize(1);
    PlannedDelivery delivery = plan.deliveries().get(0);
    assertThat(delivery.workflow()).isEqualTo("checkout-purchase");
    assertThat(delivery.blockedReason()).isEmpty();
    assertThat(delivery.needsLookup()).isFalse();
    return delivery.call().params();
  }

  StripeEvent build() {
    return Fixtures.parse(envelope.toPrettyString());
  }

  /** The object holding the last part of the path; missing objects on the way are created. */
  private ObjectNode parentOf(String[] parts) {
    ObjectNode parent = session();
    for (int i = 0; i < parts.length - 1; i++) {
      parent = parent.withObjectProperty(parts[i]);
    }
    return parent;
  }

  private ObjectNode session() {
    return (ObjectNode) envelope.path("data").path("object");
  }
}
