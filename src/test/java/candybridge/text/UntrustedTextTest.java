package candybridge.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UntrustedTextTest {
  static Stream<Arguments> escapes() {
    return Stream.of(
        arguments("purchase:cs_test_a1", "purchase:cs_test_a1"),
        arguments("a\nb", "a\\nb"),
        arguments("a\r\nb", "a\\r\\nb"),
        arguments("a\tb", "a\\tb"),
        arguments("back\\slash", "back\\\\slash"),
        arguments("\u001b[31mred\u001b[0m", "\\u001b[31mred\\u001b[0m"),
        arguments("\u001b]0;title\u0007", "\\u001b]0;title\\u0007"),
        arguments("nul\u0000del\u007fcsi\u009b", "nul\\u0000del\\u007fcsi\\u009b"),
        arguments("line\u2028para\u2029", "line\\u2028para\\u2029"),
        arguments(
            "\u202etxt.exe\u2066\u2069\u200f\u061c", "\\u202etxt.exe\\u2066\\u2069\\u200f\\u061c"),
        arguments("Zoë Åsa 山田 🍬", "Zoë Åsa 山田 🍬"));
  }

  @ParameterizedTest
  @MethodSource("escapes")
  void escapes_what_a_terminal_or_a_log_reader_would_act_on(String in, String out) {
    assertThat(UntrustedText.forTerminal(in)).isEqualTo(out);
  }

  static Stream<Arguments> addresses() {
    return Stream.of(
        arguments("jenny.rosen@example.com", "[e-mail removed]"),
        arguments("purchase:jenny.rosen+tag@mail.example.co.uk", "purchase:[e-mail removed]"),
        arguments(
            "field email is 'a_b@x.io', expected", "field email is '[e-mail removed]', expected"),
        arguments("zoë@exämple.de and ann@b.org", "[e-mail removed] and [e-mail removed]"),
        arguments("user@localhost", "user@localhost"),
        arguments("no address here", "no address here"));
  }

  @ParameterizedTest
  @MethodSource("addresses")
  void masks_e_mail_addresses_for_a_log(String in, String out) {
    assertThat(UntrustedText.forLog(in)).isEqualTo(out);
  }

  @Test
  void a_log_text_is_masked_and_escaped_in_one_line() {
    assertThat(UntrustedText.forLog("k:\r\nFAKE a@b.com\u001b[2J"))
        .isEqualTo("k:\\r\\nFAKE [e-mail removed]\\u001b[2J");
    assertThat(UntrustedText.forLog(null)).isEqualTo("null");
    assertThat(UntrustedText.forTerminal(null)).isEmpty();
  }

  @Test
  void a_terminal_keeps_the_address() {
    assertThat(UntrustedText.forTerminal("jenny@example.com")).isEqualTo("jenny@example.com");
  }
}
