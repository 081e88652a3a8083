package candybridge.app;

/** The one JSON error shape: {@code {"error": "<code>", "detail": "<human sentence>"}}. */
record ErrorBody(String error, String detail) {}
