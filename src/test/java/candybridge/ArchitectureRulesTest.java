package candybridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * House rules that are cheap to check by reading the sources: time and randomness are injected,
 * SQL stays in the store package, no catch-all util packages.
 */
class ArchitectureRulesTest {
  private static List<Path> mainSources() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      return files.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  @Test
  void time_and_randomness_come_from_outside() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Path p : mainSources()) {
      String text = Files.readString(p);
      for (String forbidden : List.of("Instant.now()", "System.currentTimeMillis()", "new Random(", "LocalDateTime.now(")) {
        if (text.contains(forbidden)) offenders.add(p + ": " + forbidden);
      }
    }
    assertThat(offenders).isEmpty();
  }

  @Test
  void sql_stays_in_the_store_package() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Path p : mainSources()) {
      if (!p.toString().contains("/candybridge/store/") && Files.readString(p).contains("import java.sql.")) {
        offenders.add(p.toString());
      }
    }
    assertThat(offenders).isEmpty();
  }

  @Test
  void no_util_common_or_helpers_packages() throws IOException {
    assertThat(mainSources()).noneMatch(p -> p.toString().matches(".*/(util|utils|common|helpers)/.*"));
  }
}
