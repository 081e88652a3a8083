package candybridge.store;

import candybridge.delivery.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@code serve} per SQLite file (docs/design.md §7): an OS lock on the sibling file {@code
 * <database>.lock}, held for the life of the service. The OS drops it when the process ends,
 * however it ends (SIGKILL included), so a lock file left behind never blocks a restart. The holder
 * writes its process id and start time into the file so that a refused second process can name it.
 * Operator commands do not take it: they may work on the file while {@code serve} runs.
 */
public final class ServeLock implements AutoCloseable {
  /**
   * Lock files this JVM holds, and their holder lines. The OS lock belongs to the process, not the
   * channel: a second channel in the same JVM could not tell, and closing it would release the
   * first one's lock on Linux (POSIX locks go with any descriptor of the file). So a second App in
   * this JVM is refused here, without opening the file. Static because the OS lock is per process.
   */
  private static final Map<Path, String> HELD_HERE = new ConcurrentHashMap<>();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private ServeLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of the SQLite file named by {@code jdbcUrl}; empty for PostgreSQL and in-memory
   * SQLite, which need none.
   *
   * @param started this process's start time, written into the lock file with its id
   * @throws DatabaseInUseException when another process, or another App in this one, holds it
   * @throws StoreException when the lock file cannot be created or locked
   */
  public static Optional<ServeLock> acquire(String jdbcUrl, Instant started) {
    Optional<Path> database = sqliteFile(jdbcUrl);
    if (database.isEmpty()) {
      return Optional.empty();
    }
    Path file = lockFile(realDirectory(database.get()));
    String holder = "pid=" + ProcessHandle.current().pid() + " started=" + started + "\n";
    String before = HELD_HERE.putIfAbsent(file, holder);
    if (before != null) {
      throw inUse(database.get(), before);
    }
    try {
      return Optional.of(lock(database.get(), file, holder));
    } catch (RuntimeException e) {
      HELD_HERE.remove(file);
      throw e;
    }
  }

  private static ServeLock lock(Path database, Path file, String holder) {
    FileChannel channel = open(file);
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        String other = read(channel);
        channel.close();
        throw inUse(database, other);
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
      return new ServeLock(file, channel, lock);
    } catch (OverlappingFileLockException unused) {
      // Held through a channel this class did not open; closing ours would release it (see
      // HELD_HERE).
      throw inUse(database, "");
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StoreException("could not lock " + file + ": " + e.getMessage(), e);
    }
  }

  private static FileChannel open(Path file) {
    Set<OpenOption> options =
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      try {
        return FileChannel.open(
            file,
            options,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        return FileChannel.open(file, options); // not a POSIX file system
      }
    } catch (IOException e) {
      throw new StoreException("could not create the lock file " + file + ": " + e, e);
    }
  }

  private static String read(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(256);
    channel.read(buffer, 0);
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
  }

  private static DatabaseInUseException inUse(Path database, String holderLine) {
    String pid = field(holderLine, "pid");
    String started = field(holderLine, "started");
    String who =
        pid.isEmpty()
            ? "another process (it has not written its id yet)"
            : "process "
                + pid
                + " (started "
                + (started.isEmpty() ? "at an unknown time" : started)
                + ")";
    return new DatabaseInUseException(
        database
            + " is already served by "
            + who
            + "; one serve per SQLite file (operator commands work alongside it), lock file "
            + lockFile(database));
  }

  private static String field(String holderLine, String name) {
    for (String part : holderLine.trim().split("\\s+")) {
      if (part.startsWith(name + "=")) {
        return part.substring(name.length() + 1);
      }
    }
    return "";
  }

  /** The database file of a SQLite URL; empty for other databases and in-memory SQLite. */
  static Optional<Path> sqliteFile(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:sqlite:")) {
      return Optional.empty();
    }
    String name = jdbcUrl.substring("jdbc:sqlite:".length());
    boolean inMemory = name.contains("mode=memory");
    int query = name.indexOf('?');
    name = query < 0 ? name : name.substring(0, query);
    if (name.startsWith("file:")) {
      name = name.substring("file:".length());
    }
    if (inMemory || name.isEmpty() || name.equals(":memory:")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(name).toAbsolutePath().normalize());
  }

  /** The same file reached through a symbolic link is the same lock in this JVM too. */
  private static Path realDirectory(Path database) {
    try {
      return database.getParent().toRealPath().resolve(database.getFileName());
    } catch (IOException e) {
      return database; // the directory is missing: creating the lock file will say so
    }
  }

  static Path lockFile(Path database) {
    return database.resolveSibling(database.getFileName() + ".lock");
  }

  /** Empties the lock file (no holder to name) and releases the lock, last thing at shutdown. */
  @Override
  public void close() {
    try {
      channel.truncate(0);
      lock.release();
    } catch (IOException e) {
      // The channel's close below releases the lock all the same.
    } finally {
      closeQuietly(channel);
      HELD_HERE.remove(file);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing held through it any more
    }
  }
}
