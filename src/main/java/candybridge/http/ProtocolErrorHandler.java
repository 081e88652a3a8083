package candybridge.http;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answer to requests its HTTP parser refuses before any route runs. Jetty answers an
 * unknown or unsupported HTTP version (a garbage request line, {@code HTTP/9.9}, HTTP/0.9) with
 * 505; we promise that no request a client can send gets a 5xx other than a deliberate 503
 * (RELIABILITY.md), so a version we do not speak is the client's malformed request: 400.
 */
public final class ProtocolErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws java.io.IOException {
    if (code == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
      response.setStatus(HttpStatus.BAD_REQUEST_400);
      super.generateResponse(
          request,
          response,
          HttpStatus.BAD_REQUEST_400,
          "unsupported HTTP version",
          cause,
          callback);
      return;
    }
    super.generateResponse(request, response, code, message, cause, callback);
  }
}
