package candybridge.store;

import static candybridge.store.SaleFixtures.NOW;
import static candybridge.store.SaleFixtures.event;
import static candybridge.store.SaleFixtures.purchasePlan;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {
  @TempDir Path dir;

  @Override
  protected JdbcStore openStore() {
    return JdbcStore.open("jdbc:sqlite:" + dir.resolve("candybridge.db"), NOW);
  }

  @Test
  void reopening_applies_no_migration_twice_and_keeps_data() {
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    store.close();
    store = openStore();
    assertThat(store.findDeliveryByKey("purchase:cs_1")).isPresent();
  }

  @Test
  void uses_wal_with_full_sync() throws Exception {
    try (var c =
            java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("candybridge.db"));
        var s = c.createStatement();
        var rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
    }
  }

  @Test
  void the_database_file_and_its_wal_and_shm_are_readable_by_the_owner_only() throws Exception {
    // openStore() ran before this test: the file is new, and written through the WAL.
    store.saveEvent(
        event("evt_1", "checkout.session.completed", "cs_1", 100), purchasePlan("cs_1"), NOW);
    Path db = dir.resolve("candybridge.db");
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Path file = db.resolveSibling(db.getFileName() + suffix);
      assertThat(file).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .as(file.toString())
          .isEqualTo("rw-------");
    }
  }

  @Test
  void an_existing_database_file_keeps_its_mode() throws Exception {
    store.close();
    Path db = dir.resolve("candybridge.db");
    Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r-----"));
    store = openStore();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db)))
        .isEqualTo("rw-r-----");
  }

  @Test
  void splits_migration_scripts_into_statements() {
    assertThat(
            Migrations.statements("-- c\nCREATE TABLE a (x INT); -- t\nCREATE INDEX i ON a (x);\n"))
        .containsExactly("CREATE TABLE a (x INT)", "CREATE INDEX i ON a (x)");
  }
}
