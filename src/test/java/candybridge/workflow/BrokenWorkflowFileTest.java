package candybridge.workflow;

import static candybridge.workflow.SignupWorkflowYaml.VALID;
import static candybridge.workflow.SignupWorkflowYaml.signup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import candybridge.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A file that cannot be read as workflows is reported with every problem at once: its shape, its
 * YAML, mistakes in several workflows, a file that is missing.
 */
class BrokenWorkflowFileTest {
  static Stream<Arguments> brokenFiles() {
    return Stream.of(
        arguments(
            "unknown top-level key",
            "default_workflows: keep\nworkflow: []\n",
            List.of(
                "test.yaml: 'workflow': unknown key (known: default_workflows, workflows)",
                "test.yaml: 'workflows' must be a list")),
        arguments(
            "bad default_workflows",
            "default_workflows: merge\nworkflows: []\n",
            List.of("test.yaml: default_workflows must be keep or replace, not 'merge'")),
        arguments(
            "workflows not a list",
            "workflows: checkout-purchase\n",
            List.of("test.yaml: 'workflows' must be a list")),
        arguments(
            "not a mapping",
            "- name: signup\n",
            List.of("test.yaml: expected a mapping with a 'workflows' list")),
        arguments(
            "empty file", "", List.of("test.yaml: expected a mapping with a 'workflows' list")),
        arguments(
            "workflow without a name",
            "workflows:\n  - trigger: customer.created\n",
            List.of("test.yaml: workflow #1: field 'name' is required")),
        arguments(
            "duplicate workflow names",
            signup(VALID) + "  - name: signup\n" + VALID.indent(4),
            List.of("test.yaml: workflow 'signup': field 'name': defined twice")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFiles")
  void broken_file_is_reported_with_every_problem(
      String mistake, String yaml, List<String> problems) {
    assertThatThrownBy(() -> WorkflowFile.parse(yaml, "test.yaml"))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.problems()).isEqualTo(problems));
  }

  @Test
  void text_that_is_not_yaml_is_reported_with_the_file_name() {
    assertThatThrownBy(
            () -> WorkflowFile.parse("workflows: [ {name: x\n  trigger: ]]", "test.yaml"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith("test.yaml: not valid YAML: "));
  }

  @Test
  void several_problems_in_several_workflows_are_reported_at_once() {
    String yaml =
        """
        default_workflows: replace
        workflows:
          - name: first
            trigger: customer.exploded
            action: send_candy
            params: {}
          - name: second
            trigger: customer.created
            action: sign_up_contact
            dedupe_key: nothing
            params: {email: "customer..email"}
        """;

    assertThatThrownBy(() -> WorkflowFile.parse(yaml, "test.yaml"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems())
                  .hasSize(5)
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .startsWith(
                                  "test.yaml: workflow 'first', field 'trigger': unknown trigger"))
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .startsWith(
                                  "test.yaml: workflow 'first', field 'action': unknown action"))
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .startsWith(
                                  "test.yaml: workflow 'second', field 'dedupe_key': 'nothing' names no field"))
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .startsWith(
                                  "test.yaml: workflow 'second', field 'params.email': 'customer..email' is not a field path"))
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .isEqualTo(
                                  "test.yaml: workflow 'second', field 'params.first_name': required by sign_up_contact but not mapped"));
              assertThat(e.getMessage()).startsWith("Invalid configuration (5 problems):");
            });
  }

  @Test
  void a_missing_file_is_a_config_problem_naming_it() {
    assertThatThrownBy(() -> WorkflowFile.load(Path.of("examples/no-such-file.yaml")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith("--config examples/no-such-file.yaml: cannot be read"));
  }
}
