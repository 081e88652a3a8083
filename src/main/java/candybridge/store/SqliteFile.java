package candybridge.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite database file holds customer names, e-mail addresses and amounts, so it is created
 * readable by its owner only (0600) before the driver opens it: the driver would create it with
 * 0644 (the default mode less the umask). SQLite gives the {@code -wal} and {@code -shm} files it
 * creates the mode of the database file, so they are 0600 too. An existing file is left as it is,
 * with a warning when every user of the machine may read it.
 */
final class SqliteFile {
  private static final Logger log = LoggerFactory.getLogger(SqliteFile.class);
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> WORLD =
      EnumSet.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

  private SqliteFile() {}

  /** Creates the database file of {@code jdbcUrl} 0600 when it does not exist yet (POSIX only). */
  static void prepare(String jdbcUrl) {
    ServeLock.sqliteFile(jdbcUrl).ifPresent(SqliteFile::createOwnerOnly);
  }

  private static void createOwnerOnly(Path file) {
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (FileAlreadyExistsException e) {
      warnIfShared(file);
    } catch (IOException e) {
      // A missing directory or no write access: the driver's open reports it in its own words.
    }
  }

  private static void warnIfShared(Path file) {
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (mode.stream().anyMatch(WORLD::contains)) {
        log.warn(
            "database file {} is open to every user ({}): it holds customer data;"
                + " chmod 600 it and its -wal and -shm files",
            file,
            PosixFilePermissions.toString(mode));
      }
    } catch (IOException e) {
      // Unreadable attributes: the driver's open says what is wrong, if anything.
    }
  }
}
