/**
 * Runnable examples and the {@code appupdate} command-line tool. Nothing is exported: the
 * examples are meant to be read and run, not depended on.
 */
module dev.appupdate.examples {
  requires dev.appupdate.client;
  requires dev.appupdate.client.patch;
  requires dev.appupdate.conformance;
  // catalog sign reads and writes catalog documents with Jackson's streaming parser.
  requires com.fasterxml.jackson.core;
  // stats reads the admin API's statistics document over HTTP.
  requires com.fasterxml.jackson.databind;
  requires java.net.http;
  requires java.logging;
  requires jdk.httpserver;
  requires info.picocli;

  // Picocli reads the commands' options from annotated private members.
  opens dev.appupdate.examples.cli to
      info.picocli;
}
