package candybridge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The hand-written {@code admin/openapi.json} against the route table {@link AdminRoutes#ROUTES}
 * (the routes {@link AdminRoutes#register} serves): every route described, every description
 * served.
 */
class OpenApiTest {
  private static final java.util.Set<String> METHODS =
      java.util.Set.of("get", "post", "put", "patch", "delete");

  @Test
  void every_route_is_described_and_every_described_route_exists() throws Exception {
    JsonNode spec = AdminRoutes.openApi();
    TreeSet<String> described = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue()
          .fieldNames()
          .forEachRemaining(
              m -> {
                if (METHODS.contains(m))
                  described.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
              });
    }
    TreeSet<String> served =
        AdminRoutes.ROUTES.stream()
            .map(r -> r.method() + " " + r.path())
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(described).as("described in openapi.json").isEqualTo(served);
  }

  @Test
  void each_operation_says_what_it_does_and_what_it_answers() throws Exception {
    JsonNode spec = AdminRoutes.openApi();
    assertThat(spec.path("openapi").asText()).startsWith("3.");
    spec.path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        op -> {
                          assertThat(op.getValue().path("summary").asText())
                              .as("%s %s summary", op.getKey(), path.getKey())
                              .isNotBlank();
                          assertThat(op.getValue().path("responses").has("200"))
                              .as("%s %s 200", op.getKey(), path.getKey())
                              .isTrue();
                          op.getValue()
                              .path("parameters")
                              .forEach(
                                  p -> {
                                    if (p.path("in").asText().equals("path")) {
                                      assertThat(path.getKey())
                                          .contains("{" + p.path("name").asText() + "}");
                                    }
                                  });
                        }));
  }
}
