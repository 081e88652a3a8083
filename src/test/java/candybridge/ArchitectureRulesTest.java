package candybridge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules of ARCHITECTURE.md, checked on the compiled classes (ArchUnit) where they are about
 * dependencies, and on the sources where they are about calls ArchUnit cannot tell apart from
 * injected ones (reading the clock).
 */
class ArchitectureRulesTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("candybridge");

  @Test
  void packages_depend_on_each_other_one_way() {
    slices().matching("candybridge.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  /** The table "who may use whom" of ARCHITECTURE.md, layer by layer from the bottom. */
  @Test
  void each_package_uses_only_the_packages_below_it() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("text")
        .definedBy("candybridge.text..")
        .layer("config")
        .definedBy("candybridge.config..")
        .layer("http")
        .definedBy("candybridge.http..")
        .layer("referralcandy")
        .definedBy("candybridge.referralcandy..")
        .layer("stripe")
        .definedBy("candybridge.stripe..")
        .layer("workflow")
        .definedBy("candybridge.workflow..")
        .layer("delivery")
        .definedBy("candybridge.delivery..")
        .layer("history")
        .definedBy("candybridge.history..")
        .layer("ingest")
        .definedBy("candybridge.ingest..")
        .layer("store")
        .definedBy("candybridge.store..")
        .layer("metrics")
        .definedBy("candybridge.metrics..")
        .layer("alert")
        .definedBy("candybridge.alert..")
        .layer("admin")
        .definedBy("candybridge.admin..")
        .layer("app")
        .definedBy("candybridge.app..")
        .layer("demo")
        .definedBy("candybridge.demo..")
        .layer("cli")
        .definedBy("candybridge.cli..")
        .layer("main")
        .definedBy("candybridge")
        .whereLayer("text")
        .mayNotAccessAnyLayer()
        .whereLayer("config")
        .mayOnlyAccessLayers("text")
        .whereLayer("http")
        .mayOnlyAccessLayers("text")
        .whereLayer("referralcandy")
        .mayOnlyAccessLayers("config", "text")
        .whereLayer("stripe")
        .mayOnlyAccessLayers("config", "text")
        .whereLayer("workflow")
        .mayOnlyAccessLayers("stripe", "referralcandy", "config", "text")
        .whereLayer("delivery")
        .mayOnlyAccessLayers(CORE_BELOW_DELIVERY)
        .whereLayer("history")
        .mayOnlyAccessLayers(withCore())
        .whereLayer("ingest")
        .mayOnlyAccessLayers(withCore())
        .whereLayer("store")
        .mayOnlyAccessLayers(withCore("history"))
        .whereLayer("metrics")
        .mayOnlyAccessLayers(withCore())
        .whereLayer("alert")
        .mayOnlyAccessLayers(withCore())
        .whereLayer("admin")
        .mayOnlyAccessLayers(withCore("history", "http"))
        .whereLayer("app")
        .mayOnlyAccessLayers(
            withCore("history", "ingest", "store", "http", "metrics", "alert", "admin"))
        .whereLayer("demo")
        .mayOnlyAccessLayers("app", "workflow", "config", "text")
        .whereLayer("main")
        .mayOnlyAccessLayers("cli", "config")
        // The adapter: only the composition root and the operator commands that open a database.
        .whereLayer("store")
        .mayOnlyBeAccessedByLayers("app", "cli")
        .check(MAIN);
  }

  @Test
  void only_the_composition_root_and_the_operator_commands_open_the_database() {
    noClasses()
        .that()
        .resideInAPackage("candybridge.app..")
        .and()
        .doNotHaveSimpleName("App")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("candybridge.store..")
        .check(MAIN);
  }

  @Test
  void sql_and_its_drivers_stay_in_the_store_package() {
    noClasses()
        .that()
        .resideOutsideOfPackage("candybridge.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..", "javax.sql..", "com.zaxxer..", "org.sqlite..", "org.postgresql..")
        .check(MAIN);
  }

  @Test
  void each_outside_system_has_one_package() {
    noClasses()
        .that()
        .resideOutsideOfPackage("candybridge.stripe..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.stripe..")
        .because("Stripe's API is reached through candybridge.stripe only")
        .check(MAIN);
    noClasses()
        .that()
        .resideOutsideOfPackage("candybridge.referralcandy..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.hc..")
        .because("ReferralCandy is reached through candybridge.referralcandy only")
        .check(MAIN);
    noClasses()
        .that()
        .resideOutsideOfPackages("candybridge.app..", "candybridge.admin..", "candybridge.http..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.javalin..", "org.eclipse.jetty..")
        .because("the HTTP server is the edge's business: the domain is called, never calls it")
        .check(MAIN);
    noClasses()
        .that()
        .resideOutsideOfPackage("candybridge.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.micrometer..")
        .because("metrics are domain-named methods of candybridge.metrics.Metrics")
        .check(MAIN);
  }

  /**
   * What the delivery core stands on: the outside systems' models, the settings, the text rules.
   */
  private static final String[] CORE_BELOW_DELIVERY = {
    "workflow", "stripe", "referralcandy", "config", "text"
  };

  /** The delivery core and all it stands on, with {@code more}. */
  private static String[] withCore(String... more) {
    return Stream.of(Stream.of("delivery"), Stream.of(CORE_BELOW_DELIVERY), Stream.of(more))
        .flatMap(s -> s)
        .toArray(String[]::new);
  }

  private static List<Path> mainSources() throws IOException {
    return javaFiles("src/main/java");
  }

  private static List<Path> javaFiles(String root) throws IOException {
    try (Stream<Path> files = Files.walk(Path.of(root))) {
      return files.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  @Test
  void time_and_randomness_come_from_outside() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Path p : mainSources()) {
      String text = Files.readString(p);
      for (String forbidden :
          List.of(
              "Instant.now()", "System.currentTimeMillis()", "new Random(", "LocalDateTime.now(")) {
        if (text.contains(forbidden)) {
          offenders.add(p + ": " + forbidden);
        }
      }
    }
    assertThat(offenders).isEmpty();
  }

  /**
   * A class that outgrows this has more than one job (JdbcStore had events, deliveries, attempts
   * and housekeeping at 641 lines; StoreContract had all of their tests at 892). Counted after
   * google-java-format, on the file, so a nested class counts toward the class it sits in; test
   * sources too.
   */
  private static final int MAX_LINES_PER_FILE = 400;

  @Test
  void no_source_file_over_400_lines() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (String root : List.of("src/main/java", "src/test/java")) {
      for (Path p : javaFiles(root)) {
        long lines = Files.readAllLines(p).size();
        if (lines > MAX_LINES_PER_FILE) {
          offenders.add(p + ": " + lines + " lines");
        }
      }
    }
    assertThat(offenders).isEmpty();
  }

  @Test
  void no_util_common_or_helpers_packages() {
    assertThat(MAIN.stream().map(c -> c.getPackageName()))
        .noneMatch(p -> p.matches(".*\\.(util|utils|common|helpers)(\\..*)?"));
  }
}
