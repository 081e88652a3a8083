package candybridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.store.JdbcStore;
import candybridge.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code backup FILE}: a consistent copy of the SQLite file while the service keeps storing
 * webhooks and delivering, created 0600, never over an existing file without --force; on PostgreSQL
 * the pg_dump recipe instead.
 */
class BackupCommandTest extends OperatorCommandsFixture {
  private Run backup(String... args) {
    BackupCommand c = new BackupCommand();
    return run(c, term -> c.terminal = term, args);
  }

  private static String integrityCheck(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
      r.next();
      return r.getString(1);
    }
  }

  private static String permissions(Path file) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  @Test
  void
      a_backup_taken_while_the_service_stores_and_delivers_holds_every_sale_acknowledged_before_it()
          throws Exception {
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                while (running.get()) {
                  int i = next.getAndIncrement();
                  acknowledged.add(sale(i));
                  if (i % 10 == 9) {
                    t.deliverDue(); // attempts and status changes too, not only new events
                  }
                }
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "webhooks-during-backup");
    writer.start();
    try {
      Poll.until(
          "100 sales stored",
          Duration.ofSeconds(60),
          () -> acknowledged.size() >= 100 || failure.get() != null);
      List<String> before = List.copyOf(acknowledged);

      Path file = dir.resolve("backup.db");
      Run run = backup(file.toString());
      int afterBackup = next.get();
      // the service kept answering through the copy: 20 more sales stored after it
      Poll.until(
          "more sales stored after the backup",
          Duration.ofSeconds(60),
          () -> acknowledged.size() >= afterBackup + 20 || failure.get() != null);
      running.set(false);
      writer.join(Duration.ofSeconds(30).toMillis());
      assertThat(failure.get()).isNull();

      assertThat(run.err()).isEmpty();
      assertThat(run.code()).isZero();
      assertThat(run.out())
          .contains("backed up " + t.database + " to " + file)
          .contains(" deliveries, ")
          .contains("it holds everything committed before 2026-09-15T");
      assertThat(permissions(file)).isEqualTo("rw-------");
      assertThat(integrityCheck(file)).isEqualTo("ok");
      try (var files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .noneMatch(n -> n.contains(".partial"));
      }

      try (JdbcStore copy = JdbcStore.open("jdbc:sqlite:" + file, t.clock.instant())) {
        for (String session : before) {
          assertThat(copy.findDeliveryByKey("purchase:" + session)).as(session).isPresent();
        }
      }
    } finally {
      running.set(false);
      writer.join(Duration.ofSeconds(30).toMillis());
    }
  }

  @Test
  void an_existing_file_is_kept_unless_force() throws Exception {
    sale(1);
    Path file = dir.resolve("existing.db");
    Files.writeString(file, "an older backup");

    Run refused = backup(file.toString());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err())
        .isEqualTo(
            "candybridge: "
                + file
                + " exists: choose another file or pass --force to"
                + " replace it"
                + System.lineSeparator());
    assertThat(Files.readString(file)).isEqualTo("an older backup");

    Run forced = backup("--force", file.toString());
    assertThat(forced.err()).isEmpty();
    assertThat(forced.code()).isZero();
    assertThat(forced.out()).contains("1 events, 1 deliveries");
    assertThat(permissions(file)).isEqualTo("rw-------");
    assertThat(integrityCheck(file)).isEqualTo("ok");
  }

  @Test
  void the_database_itself_a_missing_database_or_directory_are_refused() {
    Run itself = backup("--force", t.database.toString());
    assertThat(itself.code()).isEqualTo(2);
    assertThat(itself.err()).contains("the backup file is the database itself");

    Run noDirectory = backup(dir.resolve("missing/backup.db").toString());
    assertThat(noDirectory.code()).isEqualTo(1);
    assertThat(noDirectory.err()).contains("no such directory: " + dir.resolve("missing"));

    env.put("CANDYBRIDGE_DATABASE_URL", "jdbc:sqlite:" + dir.resolve("nothing-here.db"));
    Run noDatabase = backup(dir.resolve("backup.db").toString());
    assertThat(noDatabase.code()).isEqualTo(1);
    assertThat(noDatabase.err()).contains("no database at " + dir.resolve("nothing-here.db"));
    assertThat(dir.resolve("backup.db")).doesNotExist();
  }

  @Test
  void on_postgresql_it_prints_the_pg_dump_recipe_without_the_password() {
    env.put(
        "CANDYBRIDGE_DATABASE_URL",
        "jdbc:postgresql://db.internal:5433/candybridge?user=cb&password=s3cret-pw&sslmode=require");
    Path file = dir.resolve("backup.db");

    Run run = backup(file.toString());

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith("candybridge: backup copies an SQLite file; on PostgreSQL use pg_dump:")
        .contains("pg_dump -h db.internal -p 5433 -U cb -d candybridge --format=custom")
        .contains("pg_restore -h db.internal -p 5433 -U cb -d candybridge --clean")
        .doesNotContain("s3cret-pw");
    assertThat(file).doesNotExist();
  }
}
