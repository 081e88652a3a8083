package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PersonNameTest {
  @ParameterizedTest(name = "\"{0}\" -> \"{1}\" / \"{2}\"")
  @CsvSource(
      nullValues = "NONE",
      value = {
        "Jenny Rosen, Jenny, Rosen",
        "' Jenny  Rosen ', Jenny, Rosen",
        "'Jenny \u2003 Maria\u00a0 Rosen', Jenny, Maria Rosen",
        "Cher, Cher, NONE"
      })
  void splits_a_full_name_at_the_first_space(String fullName, String first, String last) {
    assertThat(PersonName.fromFullName(fullName))
        .contains(new PersonName(first, Optional.ofNullable(last)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\t\n", "\u00a0"})
  void blank_full_name_is_no_name(String fullName) {
    assertThat(PersonName.fromFullName(fullName)).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "jenny@example.com, jenny",
    "jenny.rosen+shop@example.com, jenny.rosen",
    "jenny+a+b@example.com, jenny",
    "no-at-sign, no-at-sign"
  })
  void takes_the_first_name_from_the_email_local_part_before_any_plus(String email, String first) {
    assertThat(PersonName.fromEmail(email)).contains(new PersonName(first, Optional.empty()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"+shop@example.com", "@example.com"})
  void email_without_a_local_part_before_plus_gives_no_name(String email) {
    assertThat(PersonName.fromEmail(email)).isEmpty();
  }
}
