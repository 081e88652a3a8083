package candybridge.cli;

import candybridge.config.ConfigException;
import candybridge.config.ConfigLoader;
import candybridge.store.JdbcStore;
import candybridge.store.StoreException;
import java.util.function.Function;

/**
 * Runs an operator command against the store named by {@code CANDYBRIDGE_DATABASE_URL} (safe
 * while {@code serve} runs on the same database), turning problems into messages and exit codes.
 */
final class StoreAccess {
  private StoreAccess() {}

  static int withStore(Terminal t, Function<JdbcStore, Integer> command) {
    String url;
    try {
      url = ConfigLoader.databaseUrl(t.env());
    } catch (ConfigException e) {
      t.err().println("candybridge: " + e.getMessage());
      return 2;
    }
    try (JdbcStore store = JdbcStore.open(url, t.clock().instant())) {
      return command.apply(store);
    } catch (StoreException e) {
      t.err().println("candybridge: database unavailable: " + e.getMessage());
      return 1;
    }
  }
}
