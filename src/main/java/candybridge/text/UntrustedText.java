package candybridge.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text that a customer or an outside system chose (dedupe keys built from event fields, names,
 * metadata, error reasons that quote them), made safe to print. {@link #forLog} also masks e-mail
 * addresses; {@link #forTerminal} keeps them (an operator looking up a sale needs the address) and
 * only neutralises what a terminal would act on.
 *
 * <p>Escaped: backslash ({@code \\}), CR, LF and tab ({@code \r \n \t}), every other C0 and C1
 * control character and DEL (ESC becomes a backslash, then u001b), the Unicode line and paragraph
 * separators (U+2028, U+2029), and the bidirectional overrides, embeddings, isolates and marks
 * (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) that reorder what a reader sees. The
 * result is one line, free of escape sequences; the backslash is escaped too, so the encoding is
 * unambiguous.
 *
 * <p>This package depends on no other package of Candybridge, so any package may use it.
 */
public final class UntrustedText {
  /** What stands in for an e-mail address in a log line. */
  public static final String EMAIL_MASK = "[e-mail removed]";

  // Broader than RFC 5322 on purpose: any run without separators around an @, with a dot in the
  // domain, so an address in an unusual script or with invisible characters is still masked.
  private static final String PART = "[^\\s\\p{Z}\\p{Cc}@:;,<>()\\[\\]\"'=/\\\\`]";
  private static final Pattern EMAIL = Pattern.compile(PART + "+@" + PART + "*\\." + PART + "+");

  private UntrustedText() {}

  /** {@code text} for a log line: e-mail addresses masked, then escaped; "null" for null. */
  public static String forLog(Object text) {
    return escaped(masked(String.valueOf(text)));
  }

  /** {@code text} for an operator's terminal: escaped, addresses kept; "" for null. */
  public static String forTerminal(String text) {
    return text == null ? "" : escaped(text);
  }

  /**
   * {@code text} with anything that looks like an e-mail address replaced by {@link #EMAIL_MASK}.
   */
  public static String masked(String text) {
    return EMAIL.matcher(text).replaceAll(Matcher.quoteReplacement(EMAIL_MASK));
  }

  /** {@code text} with the characters listed in the class comment escaped. */
  public static String escaped(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement = replacement(c);
      if (replacement != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (replacement != null) {
          out.append(replacement);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }

  private static String replacement(char c) {
    return switch (c) {
      case '\\' -> "\\\\";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      default -> isDangerous(c) ? String.format("\\u%04x", (int) c) : null;
    };
  }

  private static boolean isDangerous(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u2028'
        || c == '\u2029'
        || c == '\u061c'
        || c == '\u200e'
        || c == '\u200f'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
