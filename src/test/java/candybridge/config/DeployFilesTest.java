package candybridge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/compose.yaml and deploy/kubernetes/ checked offline: every file parses, every environment
 * variable they give Candybridge (directly or through a Secret) is a row of the README's
 * configuration reference (the table ConfigReferenceTest holds to the code), every required setting
 * is given, the image is this version's, and the Kubernetes objects fit together (selectors,
 * probes, the SQLite variant's single replica, Recreate and claim). SnakeYAML, not Jackson:
 * compose.yaml shares the instances' settings through a YAML anchor, which SnakeYAML resolves.
 */
class DeployFilesTest {
  private static final Pattern POM_VERSION =
      Pattern.compile("<artifactId>candybridge</artifactId>\\s*<version>([^<]+)</version>");
  private static final Pattern OUR_PREFIX =
      Pattern.compile("(CANDYBRIDGE|STRIPE|REFERRALCANDY)_[A-Z0-9_]+");

  @Test
  void compose_gives_every_instance_documented_settings_and_the_required_ones() throws IOException {
    Map<String, Object> compose = map(single(Path.of("deploy/compose.yaml")));
    Map<String, Object> services = map(compose.get("services"));
    Map<String, String> rows = ConfigReferenceTest.documentedRows();
    List<String> instances = new ArrayList<>();
    for (Map.Entry<String, Object> service : services.entrySet()) {
      Map<String, Object> spec = map(service.getValue());
      Set<String> env = environmentNames(spec.get("environment"));
      if (String.valueOf(spec.get("image")).startsWith("candybridge:")) {
        instances.add(service.getKey());
        assertThat(spec.get("image"))
            .as(service.getKey() + " image")
            .isEqualTo("candybridge:" + pomVersion());
        assertThat(rows.keySet())
            .as(service.getKey() + ": settings missing from the README table")
            .containsAll(env);
        assertThat(env).as(service.getKey() + ": required settings").containsAll(required(rows));
        assertThat(spec.get("read_only")).as(service.getKey() + " read_only").isEqualTo(true);
      } else {
        assertThat(env.stream().filter(n -> OUR_PREFIX.matcher(n).matches()))
            .as(service.getKey() + " is not Candybridge but is given Candybridge settings")
            .isEmpty();
      }
    }
    assertThat(instances).as("Candybridge instances").hasSize(2);
    assertThat(services).containsKeys("postgres", "caddy");
    assertThat(
            String.valueOf(
                environmentOf(services, instances.get(0)).get("CANDYBRIDGE_DATABASE_URL")))
        .startsWith("jdbc:postgresql://postgres:5432/");
    String caddyfile = Files.readString(Path.of("deploy/compose.Caddyfile"));
    for (String instance : instances) {
      assertThat(caddyfile).as("Caddy sends to " + instance).contains(instance + ":8080");
    }
    assertThat(caddyfile).contains("health_uri /readyz");
  }

  @Test
  void kubernetes_containers_get_documented_settings_the_required_ones_and_probes()
      throws IOException {
    Map<String, String> rows = ConfigReferenceTest.documentedRows();
    Map<String, Set<String>> secretKeys = new LinkedHashMap<>();
    for (Map<String, Object> secret : objects("Secret")) {
      Set<String> keys =
          new LinkedHashSet<>(map(secret.getOrDefault("stringData", Map.of())).keySet());
      keys.addAll(map(secret.getOrDefault("data", Map.of())).keySet());
      assertThat(rows.keySet())
          .as("Secret " + name(secret) + ": keys missing from the README table")
          .containsAll(keys);
      secretKeys.put(name(secret), keys);
    }
    List<Map<String, Object>> deployments = objects("Deployment");
    assertThat(deployments).hasSize(2);
    for (Map<String, Object> deployment : deployments) {
      Map<String, Object> pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
      for (Object c : list(pod.get("containers"))) {
        Map<String, Object> container = map(c);
        String where = fileOf(deployment) + " " + container.get("name");
        Set<String> env = new LinkedHashSet<>();
        for (Object e : list(container.getOrDefault("env", List.of()))) {
          env.add(String.valueOf(map(e).get("name")));
        }
        assertThat(rows.keySet())
            .as(where + ": settings missing from the README table")
            .containsAll(env);
        for (Object from : list(container.getOrDefault("envFrom", List.of()))) {
          String secret = String.valueOf(map(map(from).get("secretRef")).get("name"));
          assertThat(secretKeys)
              .as(where + " reads a Secret defined in secret.example.yaml")
              .containsKey(secret);
          env.addAll(secretKeys.get(secret));
        }
        assertThat(env).as(where + ": required settings").containsAll(required(rows));
        assertThat(String.valueOf(container.get("image"))).endsWith("/candybridge:" + pomVersion());
        assertThat(probePath(container, "readinessProbe")).as(where).isEqualTo("/readyz");
        assertThat(probePath(container, "livenessProbe")).as(where).isEqualTo("/healthz");
        assertThat(map(list(container.get("ports")).get(0)).get("containerPort")).isEqualTo(8080);
        assertThat(map(container.get("securityContext")).get("readOnlyRootFilesystem"))
            .as(where)
            .isEqualTo(true);
      }
      assertThat(map(pod.get("securityContext")).get("runAsUser")).isEqualTo(10001);
    }
  }

  @Test
  void kubernetes_objects_fit_together() throws IOException {
    Map<String, Object> postgres =
        only(objects("Deployment"), "deploy/kubernetes/deployment-postgresql.yaml");
    Map<String, Object> sqlite =
        only(objects("Deployment"), "deploy/kubernetes/deployment-sqlite.yaml");
    assertThat(map(postgres.get("spec")).get("replicas")).isEqualTo(2);
    assertThat(map(sqlite.get("spec")).get("replicas")).isEqualTo(1);
    assertThat(map(map(sqlite.get("spec")).get("strategy")).get("type"))
        .as("one serve per SQLite file: the old pod goes first")
        .isEqualTo("Recreate");

    Map<String, Object> sqlitePod = map(map(map(sqlite.get("spec")).get("template")).get("spec"));
    String claim = null;
    for (Object v : list(sqlitePod.get("volumes"))) {
      Map<String, Object> volume = map(v);
      if (volume.containsKey("persistentVolumeClaim")) {
        claim = String.valueOf(map(volume.get("persistentVolumeClaim")).get("claimName"));
        String volumeName = String.valueOf(volume.get("name"));
        assertThat(list(map(list(sqlitePod.get("containers")).get(0)).get("volumeMounts")))
            .anySatisfy(
                m ->
                    assertThat(map(m))
                        .containsEntry("name", volumeName)
                        .containsEntry("mountPath", "/var/lib/candybridge"));
      }
    }
    assertThat(claim).as("the SQLite variant's volume").isNotNull();
    assertThat(objects("PersistentVolumeClaim").stream().map(DeployFilesTest::name))
        .contains(claim);

    for (Map<String, Object> deployment : objects("Deployment")) {
      Map<String, Object> spec = map(deployment.get("spec"));
      Map<String, Object> podLabels =
          map(map(map(spec.get("template")).get("metadata")).get("labels"));
      assertThat(podLabels)
          .containsAllEntriesOf(stringMap(map(spec.get("selector")).get("matchLabels")));
      for (Map<String, Object> service : objects("Service")) {
        assertThat(podLabels)
            .as("Service selects " + fileOf(deployment))
            .containsAllEntriesOf(stringMap(map(service.get("spec")).get("selector")));
      }
    }
    Map<String, Object> budget = objects("PodDisruptionBudget").get(0);
    assertThat(fileOf(budget))
        .as("the budget belongs to the two-replica variant")
        .isEqualTo("deploy/kubernetes/deployment-postgresql.yaml");
    assertThat(map(map(budget.get("spec")).get("selector")).get("matchLabels"))
        .isEqualTo(map(map(postgres.get("spec")).get("selector")).get("matchLabels"));
    for (Map<String, Object> object : allKubernetesObjects()) {
      assertThat(object).as(fileOf(object)).containsKeys("apiVersion", "kind", "metadata");
      assertThat(name(object)).as(fileOf(object) + " metadata.name").isNotBlank();
    }
  }

  // --- reading

  private static final String FILE = "__file";

  private static List<Map<String, Object>> allKubernetesObjects() throws IOException {
    List<Map<String, Object>> objects = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("deploy/kubernetes"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : new Yaml().loadAll(Files.readString(file))) {
          if (doc != null) {
            Map<String, Object> object = new LinkedHashMap<>(map(doc));
            object.put(FILE, file.toString().replace('\\', '/'));
            objects.add(object);
          }
        }
      }
    }
    assertThat(objects).as("deploy/kubernetes/*.yaml").isNotEmpty();
    return objects;
  }

  private static List<Map<String, Object>> objects(String kind) throws IOException {
    return allKubernetesObjects().stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  private static Map<String, Object> only(List<Map<String, Object>> objects, String file) {
    List<Map<String, Object>> inFile =
        objects.stream().filter(o -> file.equals(o.get(FILE))).toList();
    assertThat(inFile).as(file).hasSize(1);
    return inFile.get(0);
  }

  private static String fileOf(Map<String, Object> object) {
    return String.valueOf(object.get(FILE));
  }

  private static String name(Map<String, Object> object) {
    return String.valueOf(map(object.get("metadata")).get("name"));
  }

  private static Object single(Path file) throws IOException {
    List<Object> docs = new ArrayList<>();
    new Yaml().loadAll(Files.readString(file)).forEach(docs::add);
    assertThat(docs).as(file.toString()).hasSize(1);
    return docs.get(0);
  }

  private static Map<String, Object> environmentOf(Map<String, Object> services, String service) {
    Object env = map(services.get(service)).get("environment");
    return env instanceof Map<?, ?> ? map(env) : Map.of();
  }

  /** Compose's environment: a map, or a list of NAME=value / NAME. */
  private static Set<String> environmentNames(Object environment) {
    Set<String> names = new LinkedHashSet<>();
    if (environment instanceof Map<?, ?> m) {
      m.keySet().forEach(k -> names.add(String.valueOf(k)));
    } else if (environment instanceof List<?> l) {
      l.forEach(item -> names.add(String.valueOf(item).split("=", 2)[0]));
    }
    return names;
  }

  private static String probePath(Map<String, Object> container, String probe) {
    return String.valueOf(map(map(container.get(probe)).get("httpGet")).get("path"));
  }

  private static Set<String> required(Map<String, String> rows) {
    Set<String> names = new LinkedHashSet<>();
    rows.forEach(
        (name, defaultCell) -> {
          if (defaultCell.equals("required")) {
            names.add(name);
          }
        });
    assertThat(names).as("sanity: the table's required settings").contains("STRIPE_WEBHOOK_SECRET");
    return names;
  }

  private static String pomVersion() throws IOException {
    Matcher m = POM_VERSION.matcher(Files.readString(Path.of("pom.xml")));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  private static Map<String, String> stringMap(Object value) {
    Map<String, String> strings = new LinkedHashMap<>();
    map(value).forEach((k, v) -> strings.put(k, String.valueOf(v)));
    return strings;
  }

  private static List<?> list(Object value) {
    assertThat(value).isInstanceOf(List.class);
    return (List<?>) value;
  }
}
