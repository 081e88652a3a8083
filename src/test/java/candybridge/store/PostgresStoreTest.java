package candybridge.store;

import static candybridge.store.SaleFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.Postgres;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL server. */
class PostgresStoreTest extends StoreContract {
  private String url;

  @Override
  protected JdbcStore openStore() {
    url = Postgres.freshDatabaseUrl();
    return JdbcStore.open(url, 8, NOW);
  }

  @Test
  void is_not_single_instance_so_only_expired_leases_are_in_doubt() {
    assertThat(((JdbcStore) store).isSingleInstance()).isFalse();
  }

  @Test
  void instances_starting_together_apply_each_migration_once() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    var futures = new java.util.ArrayList<java.util.concurrent.Future<JdbcStore>>();
    for (int i = 0; i < 3; i++) {
      futures.add(pool.submit(() -> JdbcStore.open(url, 2, NOW)));
    }
    for (var f : futures) {
      f.get(60, java.util.concurrent.TimeUnit.SECONDS).close();
    }
    pool.shutdown();
    assertThat(store.isReady()).isTrue();
  }
}
