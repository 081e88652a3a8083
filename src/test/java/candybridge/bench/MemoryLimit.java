package candybridge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A memory cgroup the harness makes itself (root only), as a container's or a systemd {@code
 * MemoryMax=} limit would be: cgroup v2 ({@code memory.max}, {@code memory.swap.max=0}) or, where
 * only v1 is mounted, v1 ({@code memory.limit_in_bytes}, and {@code memory.memsw.limit_in_bytes}
 * equal to it: memory and swap together within the limit, so no swap). The service enters it by a
 * {@link #wrapper} that writes its own pid into the group and {@code exec}s the launcher. The group
 * counts page cache too (the SQLite file and its WAL), as a container's limit does.
 */
final class MemoryLimit implements AutoCloseable {
  private final Path dir;
  private final boolean v2;
  private final long bytes;

  private MemoryLimit(Path dir, boolean v2, long bytes) {
    this.dir = dir;
    this.v2 = v2;
    this.bytes = bytes;
  }

  /**
   * A new group under this process's own memory cgroup; throws with the reason when it cannot be
   * made.
   */
  static MemoryLimit create(String name, long bytes) throws IOException {
    List<String> self = Files.readAllLines(Path.of("/proc/self/cgroup"));
    Path root = Path.of("/sys/fs/cgroup");
    if (Files.exists(root.resolve("cgroup.controllers"))) {
      String own =
          self.stream().filter(l -> l.startsWith("0::")).findFirst().orElseThrow().substring(3);
      Path dir = root.resolve(own.substring(1)).resolve(name);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("memory.max"), Long.toString(bytes));
      Files.writeString(dir.resolve("memory.swap.max"), "0");
      return new MemoryLimit(dir, true, bytes);
    }
    if (Files.isDirectory(root.resolve("memory"))) {
      String own =
          self.stream()
              .map(l -> l.split(":", 3))
              .filter(p -> p[1].equals("memory"))
              .findFirst()
              .orElseThrow(() -> new IOException("no memory cgroup in /proc/self/cgroup"))[2];
      Path dir = root.resolve("memory").resolve(own.substring(1)).resolve(name);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("memory.limit_in_bytes"), Long.toString(bytes));
      Files.writeString(dir.resolve("memory.memsw.limit_in_bytes"), Long.toString(bytes));
      Files.writeString(dir.resolve("memory.swappiness"), "0");
      return new MemoryLimit(dir, false, bytes);
    }
    throw new IOException("neither cgroup v2 nor a v1 memory controller under /sys/fs/cgroup");
  }

  /** {@code sh -c} that moves itself into the group and execs the command after it (same pid). */
  List<String> wrapper() {
    return List.of("sh", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", dir.toString());
  }

  /** Highest memory use of the group (with page cache), in MiB. */
  double peakMb() {
    return number(v2 ? "memory.peak" : "memory.max_usage_in_bytes") / (1024.0 * 1024);
  }

  /** Processes the kernel's OOM killer killed in the group. */
  long oomKills() {
    return field(v2 ? "memory.events" : "memory.oom_control", "oom_kill");
  }

  /** Highest swap use of the group, in MiB (v1: memory and swap together minus memory). */
  double swapPeakMb() {
    double swap =
        v2
            ? number("memory.swap.peak")
            : number("memory.memsw.max_usage_in_bytes") - number("memory.max_usage_in_bytes");
    return Math.max(0, swap) / (1024.0 * 1024);
  }

  String describe() {
    return String.format(
        Locale.ROOT,
        "%s %d MiB, no swap (%s)",
        v2 ? "cgroup v2 memory.max" : "cgroup v1 memory.limit_in_bytes",
        bytes >> 20,
        dir);
  }

  /**
   * The kernel's count of limit events: v1 {@code memory.failcnt} (charges refused), v2 {@code max}
   * of memory.events.
   */
  long limitHits() {
    return v2 ? field("memory.events", "max") : number("memory.failcnt");
  }

  String report() {
    return String.format(
        Locale.ROOT,
        "%s: peak %.0f MiB of %d (page cache included), now %.0f MiB anonymous and %.0f MiB page cache,"
            + " limit events %d, swap peak %.0f MiB, OOM kills %d",
        describe(),
        peakMb(),
        bytes >> 20,
        field("memory.stat", v2 ? "anon" : "total_rss") / (1024.0 * 1024),
        field("memory.stat", v2 ? "file" : "total_cache") / (1024.0 * 1024),
        limitHits(),
        swapPeakMb(),
        oomKills());
  }

  private long number(String file) {
    try {
      return Long.parseLong(Files.readString(dir.resolve(file)).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private long field(String file, String key) {
    try {
      for (String line : Files.readAllLines(dir.resolve(file))) {
        String[] kv = line.trim().split("\\s+");
        if (kv.length == 2 && kv[0].equals(key)) {
          return Long.parseLong(kv[1]);
        }
      }
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes the group; its processes have exited by then. */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a group still busy stays; the kernel frees it with its last process
    }
  }
}
