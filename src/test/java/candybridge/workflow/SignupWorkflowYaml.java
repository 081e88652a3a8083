package candybridge.workflow;

/** Workflow file text with one workflow named signup, for the tests of reading workflow files. */
final class SignupWorkflowYaml {
  private SignupWorkflowYaml() {}

  /** A file with one workflow named signup whose lines are {@code body}. */
  static String signup(String body) {
    return "default_workflows: replace\nworkflows:\n  - name: signup\n" + body.indent(4);
  }

  static final String VALID =
      """
      trigger: customer.created
      action: sign_up_contact
      dedupe_key: "signup:{id}"
      params: {email: email, first_name: name}
      """;
}
