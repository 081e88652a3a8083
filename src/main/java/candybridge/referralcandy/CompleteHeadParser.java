package candybridge.referralcandy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultHttpResponseParser;
import org.apache.hc.core5.http.io.HttpMessageParser;
import org.apache.hc.core5.http.io.HttpMessageParserFactory;
import org.apache.hc.core5.http.io.SessionInputBuffer;

/**
 * HttpClient's response parser, except that a response head cut off by the end of the stream is a
 * failure, not a response. HttpCore ends the header block at end of stream as if the blank line had
 * come, so {@code HTTP/1.1 200 OK} followed by a close would read as an answered 200; for
 * ReferralCandy it is "sent, no answer" (docs/design.md §6). A complete head ends with its blank
 * line, which the parser finds without reading further, so any end of stream met while parsing
 * means the head was incomplete.
 */
final class CompleteHeadParser extends DefaultHttpResponseParser {
  /** Makes one parser per connection, with HttpCore's default limits. */
  static final HttpMessageParserFactory<ClassicHttpResponse> FACTORY =
      new HttpMessageParserFactory<>() {
        @Override
        public HttpMessageParser<ClassicHttpResponse> create() {
          return new CompleteHeadParser(Http1Config.DEFAULT);
        }

        @Override
        @Deprecated
        public HttpMessageParser<ClassicHttpResponse> create(Http1Config config) {
          return new CompleteHeadParser(config == null ? Http1Config.DEFAULT : config);
        }
      };

  private CompleteHeadParser(Http1Config config) {
    super(config);
  }

  @Override
  public ClassicHttpResponse parse(SessionInputBuffer buffer, InputStream in)
      throws IOException, HttpException {
    EndSensing sensing = new EndSensing(in);
    ClassicHttpResponse response = super.parse(buffer, sensing);
    if (response != null && sensing.ended) {
      throw new ConnectionClosedException(
          "Connection closed by peer before the end of the response head");
    }
    return response;
  }

  /** Notes whether a read met the end of the stream. */
  private static final class EndSensing extends FilterInputStream {
    boolean ended;

    EndSensing(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      return noted(super.read());
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return noted(super.read(b, off, len));
    }

    private int noted(int n) {
      ended |= n < 0;
      return n;
    }
  }
}
