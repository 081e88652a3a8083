package candybridge.store;

import candybridge.delivery.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every {@link Store} must pass this, on every database. The contract is split by what is stored,
 * one test interface each; a database's test class extends this one class, so it runs every part
 * and opens one fresh database per test, as before the split.
 */
abstract class StoreContract
    implements EventsContract,
        ClaimsContract,
        ReplayContract,
        HousekeepingContract,
        HistoryContract {
  protected JdbcStore store;

  protected abstract JdbcStore openStore();

  @BeforeEach
  void open() {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Override
  public JdbcStore store() {
    return store;
  }
}
