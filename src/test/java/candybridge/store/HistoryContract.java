package candybridge.store;

import static candybridge.store.SaleFixtures.NOW;
import static candybridge.store.SaleFixtures.event;
import static candybridge.store.SaleFixtures.purchasePlan;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcMethod;
import candybridge.workflow.Plan;
import candybridge.workflow.PlannedDelivery;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The store contract for the read-only history: lists, filters, search and pages. */
interface HistoryContract extends StoreUnderTest {
  @Test
  default void history_lists_filter_search_and_page() {
    for (int i = 1; i <= 5; i++) {
      store()
          .saveEvent(
              event("evt_" + i, "checkout.session.completed", "cs_" + i, 100),
              purchasePlan("cs_" + i),
              NOW.plusSeconds(i));
    }
    store()
        .saveEvent(
            event("evt_inv", "invoice.payment_failed", "in_1", 100), Plan.nothing("none"), NOW);
    var h = store().history();
    var first = h.deliveries(candybridge.delivery.DeliveryQuery.all(), Optional.empty(), 2);
    assertThat(first.items()).hasSize(2);
    var rest = h.deliveries(candybridge.delivery.DeliveryQuery.all(), first.next(), 10);
    assertThat(rest.items()).hasSize(3);
    assertThat(rest.next()).isEmpty();
    var search =
        new candybridge.delivery.DeliveryQuery(
            java.util.Set.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("cs_3"));
    assertThat(h.deliveries(search, Optional.empty(), 10).items())
        .extracting(Delivery::dedupeKey)
        .containsExactly("purchase:cs_3");
    var byEmail =
        new candybridge.delivery.DeliveryQuery(
            java.util.Set.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("a@example.com"));
    assertThat(h.deliveries(byEmail, Optional.empty(), 10).items()).hasSize(5);
    var events =
        h.events(
            new candybridge.history.EventQuery(
                Optional.of("invoice.payment_failed"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()),
            Optional.empty(),
            10);
    assertThat(events.items()).extracting(e -> e.id()).containsExactly("evt_inv");
    var paged = h.events(candybridge.history.EventQuery.all(), Optional.empty(), 4);
    assertThat(h.events(candybridge.history.EventQuery.all(), paged.next(), 4).items()).hasSize(2);
    assertThat(h.event("evt_2")).hasValueSatisfying(e -> assertThat(e.summary()).contains("cs_2"));
    assertThat(h.hourly(NOW.minus(Duration.ofHours(1))))
        .singleElement()
        .satisfies(c -> assertThat(c.count()).isEqualTo(5));
  }

  @Test
  default void search_matches_whole_ids_keys_and_e_mail_addresses_never_a_part() {
    saveSale("evt_1", "cs_1", "purchase:cs_1", "ann@example.com");
    saveSale("evt_10", "cs_10", "purchase:cs_10", "joann@example.com");
    saveSale("evt_11", "cs_1x", "purchase:cs_1x", "ann@example.com.au");
    saveSale("evt_12", "cs_other", "signup:evt_12", "bob@example.com");

    assertThat(keysMatching("cs_1"))
        .as("a session id, not its prefix")
        .containsExactly("purchase:cs_1");
    assertThat(keysMatching("purchase:cs_10")).containsExactly("purchase:cs_10");
    assertThat(keysMatching("evt_10")).as("an event id").containsExactly("purchase:cs_10");
    assertThat(keysMatching("cs_other"))
        .as("the event's session, whatever the key")
        .containsExactly("signup:evt_12");
    assertThat(keysMatching("evt_12")).containsExactly("signup:evt_12");
    assertThat(keysMatching("ann@example.com"))
        .as("the whole address")
        .containsExactly("purchase:cs_1");
    for (String part :
        List.of(
            "cs_",
            "1",
            "purchase",
            "purchase:",
            ":cs_1",
            "example.com",
            "ann",
            "email",
            "USD",
            "checkout-purchase",
            "%",
            "_")) {
      assertThat(keysMatching(part)).as("'%s' is only a part of a value", part).isEmpty();
    }
    var one =
        new candybridge.delivery.DeliveryQuery(
            Set.of(DeliveryStatus.PENDING),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("cs_1"));
    assertThat(store().count(one)).isEqualTo(1);
  }

  private void saveSale(String eventId, String sessionId, String key, String email) {
    Plan plan =
        new Plan(
            List.of(
                PlannedDelivery.ready(
                    "checkout-purchase",
                    key,
                    RcCall.of(
                        RcMethod.PURCHASE,
                        Map.of(
                            "external_reference_id",
                            sessionId,
                            "email",
                            email,
                            "currency_code",
                            "USD")))),
            List.of(),
            "purchase planned for " + sessionId);
    store().saveEvent(event(eventId, "checkout.session.completed", sessionId, 100), plan, NOW);
  }

  private List<String> keysMatching(String q) {
    var query =
        new candybridge.delivery.DeliveryQuery(
            Set.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(q));
    return store().history().deliveries(query, Optional.empty(), 50).items().stream()
        .map(Delivery::dedupeKey)
        .toList();
  }
}
