package candybridge.store;

import static candybridge.store.SaleFixtures.NOW;
import static candybridge.store.SaleFixtures.attempt;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Verdict;
import java.util.Optional;

/**
 * What each part of the store contract needs from the class that runs it: the store under test,
 * open on a fresh database for each test.
 */
interface StoreUnderTest {
  /** The store the current test works on, opened on a fresh database before it. */
  JdbcStore store();

  /** Records one attempt at the oldest due delivery, which must be {@code session}'s. */
  default Delivery deliver(String session, Verdict verdict, DeliveryStatus status) {
    // Claims the oldest due delivery only: callers deliver in the order they saved.
    Delivery d = store().claimDue(NOW, 1, "me", NOW.plusSeconds(60)).get(0);
    assertThat(d.dedupeKey()).isEqualTo("purchase:" + session);
    store()
        .recordAttempt(
            d,
            attempt(d, verdict, verdict == Verdict.DELIVERED ? 200 : 400),
            status,
            Optional.empty());
    return store().findDelivery(d.id()).orElseThrow();
  }
}
