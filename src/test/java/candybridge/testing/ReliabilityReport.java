package candybridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures of one reliability run (RELIABILITY.md quotes them): printed, and written to {@code
 * target/reliability/<name>.txt} so the latest long run can be copied from there.
 */
public final class ReliabilityReport {
  private final String name;
  private final Map<String, Object> figures = new LinkedHashMap<>();

  public ReliabilityReport(String name) {
    this.name = name;
  }

  public ReliabilityReport put(String key, Object value) {
    figures.put(key, value);
    return this;
  }

  public String text() {
    return name
        + " ("
        + Clock.systemUTC().instant()
        + "): "
        + figures.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", "));
  }

  /** Prints and writes the figures; returns the line. */
  public String write() {
    String line = text();
    System.out.println("[reliability] " + line);
    Path dir = Path.of(System.getProperty("candybridge.reliabilityDir", "target/reliability"));
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(name + ".txt"), line + System.lineSeparator());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return line;
  }

  /** True in the long run ({@code -Preliability} sets {@code candybridge.long}). */
  public static boolean longRun() {
    return Boolean.getBoolean("candybridge.long");
  }
}
