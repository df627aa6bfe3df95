/**
 * The appupdate reference server on the JDK's built-in HTTP server. Run it with {@code java -jar
 * appupdate-server.jar}, or embed it with {@link dev.appupdate.server.AppUpdateServer}.
 */
// flyway.core is an automatic module (its jar has no descriptor): named after its file.
// The Prometheus Java client ships automatic modules (Automatic-Module-Name, no descriptor), which
// javac warns about (lint category "requires-automatic") and -Werror would fail on; the names are
// the ones its manifests declare, stable across its 1.x releases.
@SuppressWarnings("requires-automatic")
module dev.appupdate.server {
  requires dev.appupdate.protocol;
  requires jdk.httpserver;
  requires java.logging;
  requires com.fasterxml.jackson.databind;
  requires info.picocli;
  // Signs responses with its lightweight Ed25519 API (ResponseKeys); not as a JCA provider.
  requires org.bouncycastle.provider;
  // The PostgreSQL completion store (--database): pool and schema migrations. The driver is found
  // by java.sql's service lookup; slf4j-jdk14 sends the pool's and Flyway's messages to
  // java.util.logging.
  requires java.sql;
  requires com.zaxxer.hikari;
  requires flyway.core;
  // GET /metrics on the admin listener (automatic modules of the Prometheus Java client).
  requires io.prometheus.metrics.core;
  requires io.prometheus.metrics.model;
  requires io.prometheus.writer.text;
  requires io.prometheus.metrics.instrumentation.jvm;
  requires java.management;

  exports dev.appupdate.server;
  // Picocli reads the command line's options from annotated private members (ServerCommand).
  opens dev.appupdate.server to
      info.picocli;
  // Not an API: java.util.logging instantiates the command line's log manager by name.
  exports dev.appupdate.server.internal to
      java.logging;
}
