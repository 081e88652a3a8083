package candybridge.stripe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** The body text that is stored is exactly what was signed, and only well-formed UTF-8 gets in. */
class StripeEventParserTest {
  private final StripeEventParser parser = new StripeEventParser();

  private static byte[] eventWithName(byte[] nameBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ("{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"checkout.session.completed\","
                + "\"created\":1,\"data\":{\"object\":{\"id\":\"cs_1\",\"name\":\"")
            .getBytes(UTF_8));
    out.writeBytes(nameBytes);
    out.writeBytes("\"}}}".getBytes(UTF_8));
    return out.toByteArray();
  }

  @Test
  void an_ascii_body_is_kept_as_sent() throws Exception {
    byte[] body = eventWithName("Ann Lee".getBytes(UTF_8));

    StripeEvent event = parser.parse(body);

    assertThat(event.payload()).isEqualTo(new String(body, UTF_8));
    assertThat(event.object().path("name").asText()).isEqualTo("Ann Lee");
  }

  @Test
  void non_ascii_text_and_a_replacement_character_the_sender_wrote_are_kept() throws Exception {
    String name = "Zoë Ångström 山田 \uFFFD 😀";
    byte[] body = eventWithName(name.getBytes(UTF_8));

    StripeEvent event = parser.parse(body);

    assertThat(event.payload()).isEqualTo(new String(body, UTF_8)).contains(name);
    assertThat(event.object().path("name").asText()).isEqualTo(name);
  }

  @Test
  void malformed_utf8_is_refused_whatever_else_the_body_holds() {
    byte[][] malformed = {
      {(byte) 0x80}, // a continuation byte alone
      {(byte) 0xC3, (byte) 0x28}, // a lead byte without its continuation
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate, encoded (CESU-8)
      {(byte) 0xC0, (byte) 0xAF}, // an overlong '/'
      {
        (byte) 0xEF, (byte) 0xBF, (byte) 0xBD, (byte) 0xFF
      }, // a real U+FFFD, then a byte never in UTF-8
    };
    for (byte[] bad : malformed) {
      assertThatThrownBy(() -> parser.parse(eventWithName(bad)))
          .isInstanceOf(InvalidEventException.class)
          .hasMessage("body is not UTF-8");
    }
  }
}
