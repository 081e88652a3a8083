package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalesTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      nullValues = "NOT_SENT",
      value = {
        "en, en",
        "EN, en",
        "fr, fr",
        "de, de",
        "es, es",
        "it, it",
        "ja, ja",
        "nl, nl",
        "ru, ru",
        "da, da",
        "no, no",
        "sv, sv",
        "zh-CN, zh-CN",
        "zh-HK, zh-HK",
        "zh-TW, zh-TW",
        "zh-tw, zh-TW",
        "ZH-HK, zh-HK",
        "pt-BR, pt-BR",
        "pt-br, pt-BR",
        "fr-CA, fr",
        "en-GB, en",
        "es-419, es",
        "de-AT-x-private, de",
        "auto, NOT_SENT",
        "zh, NOT_SENT",
        "pt, NOT_SENT",
        "pt-PT, NOT_SENT",
        "nb, NOT_SENT",
        "-, NOT_SENT",
        "'', NOT_SENT"
      })
  void maps_stripe_locales_to_referral_candys_list(String stripeLocale, String expected) {
    assertThat(Locales.toReferralCandy(stripeLocale)).isEqualTo(Optional.ofNullable(expected));
  }
}
