/**
 * The appupdate reference server on the JDK's built-in HTTP server. Run it with {@code java -jar
 * appupdate-server.jar}, or embed it with {@link dev.appupdate.server.AppUpdateServer}.
 */
module dev.appupdate.server {
  requires dev.appupdate.protocol;
  requires jdk.httpserver;
  requires java.logging;
  requires com.fasterxml.jackson.databind;
  requires info.picocli;
  // Signs responses with its lightweight Ed25519 API (ResponseKeys); not as a JCA provider.
  requires org.bouncycastle.provider;

  exports dev.appupdate.server;
  // Picocli reads the command line's options from annotated private members (ServerCommand).
  opens dev.appupdate.server to
      info.picocli;
  // Not an API: java.util.logging instantiates the command line's log manager by name.
  exports dev.appupdate.server.internal to
      java.logging;
}
