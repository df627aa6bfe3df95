/**
 * The appupdate reference server on the JDK's built-in HTTP server. Run it with {@code java -jar
 * appupdate-server.jar}, or embed it with {@link dev.appupdate.server.AppUpdateServer}.
 */
module dev.appupdate.server {
  requires dev.appupdate.protocol;
  requires jdk.httpserver;
  requires java.logging;
  requires com.fasterxml.jackson.databind;

  exports dev.appupdate.server;
  // Not an API: java.util.logging instantiates the command line's log manager by name.
  exports dev.appupdate.server.internal to
      java.logging;
}
