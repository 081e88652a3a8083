package candybridge.stripe;

import static candybridge.stripe.StripeJavaApiTest.ANA;
import static candybridge.stripe.StripeJavaApiTest.AUTUMN;
import static candybridge.stripe.StripeJavaApiTest.ERIKA;
import static candybridge.stripe.StripeJavaApiTest.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.config.Secret;
import candybridge.testing.FakeStripeApiServer;
import candybridge.testing.FakeStripeApiServer.Request;
import candybridge.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CachingStripeApiTest {
  private static final Duration TTL = Duration.ofMinutes(10);

  private final MutableClock clock = MutableClock.at(1_789_110_000L);
  private final FakeStripeApiServer fake =
      StripeJavaApiTest.withFixtures(FakeStripeApiServer.start(KEY));
  private final StripeJavaApi stripe =
      new StripeJavaApi(new Secret(KEY), fake.apiBase(), Duration.ofSeconds(5));
  private final CachingStripeApi api = new CachingStripeApi(stripe, clock, TTL, 2);

  @AfterEach
  void stopFake() {
    fake.close();
  }

  @Test
  void a_second_lookup_within_the_ttl_makes_no_request() throws Exception {
    var first = api.customer(ANA);
    clock.advance(TTL.minusSeconds(1));
    var second = api.customer(ANA);

    assertThat(second).isEqualTo(first).isPresent();
    assertThat(fake.requests()).hasSize(1);
  }

  @Test
  void a_lookup_after_the_ttl_asks_stripe_again() throws Exception {
    api.customer(ANA);
    clock.advance(TTL);
    api.customer(ANA);

    assertThat(fake.requests()).hasSize(2);
  }

  @Test
  void an_empty_answer_is_remembered_too() throws Exception {
    assertThat(api.customer("cus_unknown")).isEmpty();
    assertThat(api.customer("cus_deleted")).isEmpty();
    assertThat(api.customer("cus_unknown")).isEmpty();
    assertThat(api.customer("cus_deleted")).isEmpty();

    assertThat(fake.requests()).hasSize(2);
  }

  @Test
  void promotion_codes_are_remembered_apart_from_customers() throws Exception {
    assertThat(api.promotionCodeText(AUTUMN)).contains("AUTUMN25");
    assertThat(api.promotionCodeText(AUTUMN)).contains("AUTUMN25");

    assertThat(fake.requests())
        .containsExactly(new Request("GET", "/v1/promotion_codes/" + AUTUMN));
  }

  @Test
  void a_failure_is_not_remembered() throws Exception {
    fake.failNext(503, 1);

    assertThatThrownBy(() -> api.customer(ANA)).isInstanceOf(StripeUnavailableException.class);
    assertThat(api.customer(ANA)).isPresent();
    assertThat(api.customer(ANA)).isPresent();

    assertThat(fake.requests()).hasSize(2);
  }

  @Test
  void the_least_recently_used_entry_is_evicted_beyond_max_entries() throws Exception {
    api.customer(ANA);
    api.customer(ERIKA);
    api.customer(ANA); // ANA is now more recently used than ERIKA
    api.customer("cus_deleted"); // a third entry: evicts ERIKA
    int before = fake.requests().size();

    api.customer(ANA);
    api.customer("cus_deleted");
    assertThat(fake.requests()).as("still remembered").hasSize(before);

    api.customer(ERIKA);
    assertThat(fake.requests())
        .as("evicted, so asked again")
        .hasSize(before + 1)
        .last()
        .isEqualTo(new Request("GET", "/v1/customers/" + ERIKA));
  }

  @Test
  void rejects_a_ttl_that_is_not_positive_and_a_bound_below_one() {
    assertThatThrownBy(() -> new CachingStripeApi(stripe, clock, Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CachingStripeApi(stripe, clock, TTL, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
