package candybridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.delivery.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServeLockTest {
  static final Instant STARTED = Instant.parse("2026-09-15T08:05:00Z");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:postgresql://localhost/candybridge?user=u&password=p",
        "jdbc:sqlite::memory:",
        "jdbc:sqlite:file:shared?mode=memory&cache=shared"
      })
  void only_sqlite_files_are_locked(String url) {
    assertThat(ServeLock.acquire(url, STARTED)).isEmpty();
  }

  @Test
  void names_the_file_of_plain_and_uri_urls() {
    Path db = dir.resolve("a.db").toAbsolutePath();
    assertThat(ServeLock.sqliteFile("jdbc:sqlite:" + db)).contains(db);
    assertThat(ServeLock.sqliteFile("jdbc:sqlite:" + db + "?busy_timeout=1000")).contains(db);
    assertThat(ServeLock.sqliteFile("jdbc:sqlite:file:" + db)).contains(db);
  }

  @Test
  void writes_the_holder_into_a_private_lock_file_and_empties_it_on_close() throws Exception {
    Path db = dir.resolve("candybridge.db");
    Path lockFile = dir.resolve("candybridge.db.lock");
    Optional<ServeLock> lock = ServeLock.acquire("jdbc:sqlite:" + db, STARTED);
    assertThat(lock).isPresent();
    assertThat(Files.readString(lockFile))
        .isEqualTo("pid=" + ProcessHandle.current().pid() + " started=2026-09-15T08:05:00Z\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile)))
        .isEqualTo("rw-------");

    lock.get().close();
    assertThat(Files.readString(lockFile)).isEmpty();
    ServeLock.acquire("jdbc:sqlite:" + db, STARTED).orElseThrow().close();
  }

  @Test
  void a_second_lock_in_this_jvm_is_refused_also_through_a_link() throws Exception {
    Path db = dir.resolve("candybridge.db");
    Path link = Files.createSymbolicLink(dir.resolve("link"), dir);
    try (ServeLock held = ServeLock.acquire("jdbc:sqlite:" + db, STARTED).orElseThrow()) {
      assertThatThrownBy(
              () -> ServeLock.acquire("jdbc:sqlite:" + link.resolve("candybridge.db"), STARTED))
          .isInstanceOf(DatabaseInUseException.class)
          .hasMessageContaining(
              "process " + ProcessHandle.current().pid() + " (started 2026-09-15T08:05:00Z)");
    }
  }

  @Test
  void a_missing_directory_fails_clearly() {
    assertThatThrownBy(
            () -> ServeLock.acquire("jdbc:sqlite:" + dir.resolve("no/such/dir/x.db"), STARTED))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("x.db.lock");
  }
}
