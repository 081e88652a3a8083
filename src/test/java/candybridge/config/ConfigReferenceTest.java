package candybridge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration reference cannot drift from the code: every environment variable the
 * main sources or the launcher read has a row, every row names a variable that exists, and each
 * default the loader applies is the one the row states.
 */
class ConfigReferenceTest {
  private static final Pattern NAME_IN_JAVA =
      Pattern.compile("\"((?:CANDYBRIDGE|STRIPE|REFERRALCANDY)_[A-Z0-9_]+)\"");
  private static final Pattern NAME_IN_SHELL =
      Pattern.compile("\\$\\{?((?:CANDYBRIDGE|STRIPE|REFERRALCANDY)_[A-Z0-9_]+)");
  private static final Pattern OPTIONAL =
      Pattern.compile("optional\\(\\s*\"([A-Z0-9_]+)\",\\s*(\"[^\"]*\"|[A-Z_]+|null)");
  private static final Pattern REQUIRED = Pattern.compile("required\\(\\s*\"([A-Z0-9_]+)\"");
  private static final Pattern ROW_NAME = Pattern.compile("`([A-Z0-9_]+)`");

  @Test
  void every_setting_in_the_code_has_a_readme_row_and_every_row_a_setting() throws IOException {
    Set<String> inCode = settingsReadByTheCode();
    Set<String> documented = documentedRows().keySet();
    assertThat(inCode)
        .as("sanity: the scan finds the settings")
        .contains(
            "CANDYBRIDGE_PORT",
            "STRIPE_WEBHOOK_SECRET",
            "CANDYBRIDGE_RECONCILE_WINDOW",
            "CANDYBRIDGE_JAVA_OPTS");
    assertThat(documented)
        .as("README configuration table: add a row for each missing setting")
        .containsAll(inCode);
    assertThat(inCode).as("README rows naming no setting the code reads").containsAll(documented);
  }

  @Test
  void documented_defaults_are_the_loaders() throws IOException {
    String loader = Files.readString(Path.of("src/main/java/candybridge/config/ConfigLoader.java"));
    Map<String, String> rows = documentedRows();
    Matcher optional = OPTIONAL.matcher(loader);
    int checked = 0;
    while (optional.find()) {
      String name = optional.group(1);
      String value = optional.group(2);
      String expected =
          switch (value) {
            case "null" -> "none";
            case "DEFAULT_RETRY_SCHEDULE" -> "`" + ConfigLoader.DEFAULT_RETRY_SCHEDULE + "`";
            default -> "`" + value.substring(1, value.length() - 1) + "`";
          };
      assertThat(rows.get(name)).as("default of " + name).startsWith(expected);
      checked++;
    }
    Matcher required = REQUIRED.matcher(loader);
    while (required.find()) {
      assertThat(rows.get(required.group(1)))
          .as("default of " + required.group(1))
          .isEqualTo("required");
      checked++;
    }
    assertThat(checked).isGreaterThan(10);
  }

  private static Set<String> settingsReadByTheCode() throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        NAME_IN_JAVA.matcher(Files.readString(file)).results().forEach(m -> names.add(m.group(1)));
      }
    }
    NAME_IN_SHELL
        .matcher(Files.readString(Path.of("candybridge")))
        .results()
        .forEach(m -> names.add(m.group(1)));
    return names;
  }

  /**
   * Variable name to the row's default cell, from the table between the README's markers
   * (DeployFilesTest too).
   */
  static Map<String, String> documentedRows() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int begin = readme.indexOf("<!-- config-reference:begin -->");
    int end = readme.indexOf("<!-- config-reference:end -->");
    assertThat(begin).as("README config-reference markers").isNotNegative().isLessThan(end);
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line :
        readme.substring(begin, end).lines().filter(l -> l.startsWith("| `")).toList()) {
      String[] cells = line.split(" \\| ");
      String defaultCell = cells[cells.length - 1].replaceAll(" ?\\|$", "").trim();
      ROW_NAME.matcher(cells[0]).results().forEach(m -> rows.put(m.group(1), defaultCell));
    }
    return rows;
  }
}
