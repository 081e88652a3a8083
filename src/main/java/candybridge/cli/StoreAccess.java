package candybridge.cli;

import candybridge.config.ConfigException;
import candybridge.config.ConfigLoader;
import candybridge.delivery.StoreException;
import candybridge.store.JdbcStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs an operator command against the store named by {@code CANDYBRIDGE_DATABASE_URL} (safe while
 * {@code serve} runs on the same database), turning problems into messages and exit codes. These
 * commands read or change what {@code serve} stored: they never create a SQLite file (an unset or
 * mistyped {@code CANDYBRIDGE_DATABASE_URL} would otherwise leave an empty database behind and
 * report "no deliveries").
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
    Optional<Path> file = JdbcStore.sqliteFile(url);
    if (file.isPresent() && !Files.exists(file.get())) {
      t.err()
          .println(
              "candybridge: no database at "
                  + file.get()
                  + ": set CANDYBRIDGE_DATABASE_URL to serve's"
                  + " database (e.g. jdbc:sqlite:/var/lib/candybridge/candybridge.db)");
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
