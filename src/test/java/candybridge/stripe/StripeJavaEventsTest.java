package candybridge.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.config.Secret;
import candybridge.testing.FakeStripeApiServer;
import candybridge.testing.SyntheticEvents;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StripeJavaEventsTest {
  static final String KEY = "sk_test_51CandybridgeEventsKey000000000000000000000";
  static final long NOW = 1_790_000_000L;
  static final List<String> CHECKOUT = List.of("checkout.session.completed");

  private final FakeStripeApiServer fake = FakeStripeApiServer.start(KEY);
  private final StripeJavaEvents events =
      new StripeJavaEvents(new Secret(KEY), fake.apiBase(), Duration.ofSeconds(5), 10);

  @AfterEach
  void stopFake() {
    fake.close();
  }

  /** {@code n} paid checkouts, one a minute back from an hour ago: evt_0 is the newest. */
  static List<String> checkouts(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(SyntheticEvents.checkoutCompleted("evt_" + i, "cs_" + i, NOW - 3600 - 60L * i));
    }
    return out;
  }

  static StripeEvents.Query lastDay(List<String> types) {
    return new StripeEvents.Query(
        Instant.ofEpochSecond(NOW - 86_400), Instant.ofEpochSecond(NOW), types);
  }

  @Test
  void pages_newest_first_with_a_cursor_until_there_are_no_more() throws Exception {
    fake.withEvents(checkouts(25));

    StripeEvents.Page first = events.page(lastDay(CHECKOUT), Optional.empty());
    StripeEvents.Page second = events.page(lastDay(CHECKOUT), first.lastId());
    StripeEvents.Page third = events.page(lastDay(CHECKOUT), second.lastId());

    assertThat(first.events())
        .extracting(e -> e.id().value())
        .startsWith("evt_0", "evt_1")
        .hasSize(10);
    assertThat(first.hasMore()).isTrue();
    assertThat(first.lastId()).contains("evt_9");
    assertThat(second.events()).extracting(e -> e.id().value()).startsWith("evt_10").hasSize(10);
    assertThat(third.events()).extracting(e -> e.id().value()).endsWith("evt_24").hasSize(5);
    assertThat(third.hasMore()).isFalse();
  }

  @Test
  void asks_stripe_for_the_window_the_types_and_the_page_size() throws Exception {
    fake.withEvents(checkouts(12));
    List<String> types = List.of("checkout.session.completed", "invoice.payment_failed");

    StripeEvents.Page first = events.page(lastDay(types), Optional.empty());
    events.page(lastDay(types), first.lastId());

    Map<String, List<String>> query = fake.eventListQueries().get(0);
    assertThat(query)
        .containsEntry("created[gte]", List.of(Long.toString(NOW - 86_400)))
        .containsEntry("created[lt]", List.of(Long.toString(NOW)))
        .containsEntry("limit", List.of("10"))
        .containsEntry("types[0]", List.of("checkout.session.completed"))
        .containsEntry("types[1]", List.of("invoice.payment_failed"))
        .doesNotContainKey("starting_after");
    assertThat(fake.eventListQueries().get(1)).containsEntry("starting_after", List.of("evt_9"));
  }

  @Test
  void only_events_of_the_window_and_types_are_listed() throws Exception {
    fake.withEvents(
        List.of(
            SyntheticEvents.checkoutCompleted("evt_in", "cs_in", NOW - 100),
            SyntheticEvents.checkoutCompleted("evt_too_old", "cs_old", NOW - 86_401),
            SyntheticEvents.checkoutCompleted("evt_at_until", "cs_until", NOW),
            SyntheticEvents.from(
                "stripe/invoice.payment_failed.json", "evt_invoice", "in_1", NOW - 100, null)));

    StripeEvents.Page page = events.page(lastDay(CHECKOUT), Optional.empty());

    assertThat(page.events()).extracting(e -> e.id().value()).containsExactly("evt_in");
  }

  @Test
  void each_event_is_what_stripe_sent_read_by_our_parser() throws Exception {
    String sent = SyntheticEvents.checkoutCompleted("evt_raw", "cs_raw", NOW - 100);
    fake.withEvents(List.of(sent));

    StripeEvent event = events.page(lastDay(CHECKOUT), Optional.empty()).events().get(0);

    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(event.payload())).isEqualTo(json.readTree(sent));
    assertThat(event.type()).isEqualTo("checkout.session.completed");
    assertThat(event.created()).isEqualTo(NOW - 100);
    assertThat(event.apiVersion()).isEqualTo("2026-07-29.dahlia");
    assertThat(event.objectId()).isEqualTo("cs_raw");
  }

  @Test
  void an_item_that_is_not_an_event_is_reported_and_skipped_not_fatal() throws Exception {
    fake.withEvents(
        List.of(
            SyntheticEvents.checkoutCompleted("evt_good", "cs_good", NOW - 100),
            "{\"id\":\"evt_bad\",\"object\":\"event\",\"type\":\"checkout.session.completed\",\"created\":"
                + (NOW - 50)
                + ",\"data\":{}}"));

    StripeEvents.Page page = events.page(lastDay(CHECKOUT), Optional.empty());

    assertThat(page.events()).extracting(e -> e.id().value()).containsExactly("evt_good");
    assertThat(page.unreadable())
        .singleElement()
        .asString()
        .startsWith("evt_bad: ")
        .contains("data.object");
    assertThat(page.lastId()).contains("evt_good");
  }

  @Test
  void a_server_error_is_unavailable_with_status_and_request_id() {
    fake.withEvents(checkouts(3)).failNext(500, 1);

    assertThatThrownBy(() -> events.page(lastDay(CHECKOUT), Optional.empty()))
        .isInstanceOf(StripeUnavailableException.class)
        .hasMessageContaining("events list")
        .hasMessageContaining("HTTP 500")
        .hasMessageContaining("req_fake");
  }

  @Test
  void a_rejected_key_says_so_without_showing_it() {
    StripeJavaEvents wrongKey =
        new StripeJavaEvents(
            new Secret("sk_test_wrong_key_1234"), fake.apiBase(), Duration.ofSeconds(5));

    assertThatThrownBy(() -> wrongKey.page(lastDay(CHECKOUT), Optional.empty()))
        .isInstanceOf(StripeUnavailableException.class)
        .hasMessageContaining("API key rejected")
        .hasMessageNotContaining("sk_test_wrong_key_1234")
        .hasMessageNotContaining("1234");
  }

  @Test
  void an_unreachable_stripe_is_unavailable() {
    fake.close();

    assertThatThrownBy(() -> events.page(lastDay(CHECKOUT), Optional.empty()))
        .isInstanceOf(StripeUnavailableException.class)
        .hasMessageContaining("events list");
  }

  @Test
  void stripe_takes_at_most_twenty_types() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      many.add("type." + i);
    }
    assertThatThrownBy(() -> lastDay(many))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("20");
  }
}
