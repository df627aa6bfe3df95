/**
 * Runnable examples and the {@code appupdate} command-line tool. Nothing is exported: the
 * examples are meant to be read and run, not depended on.
 */
module dev.appupdate.examples {
  requires dev.appupdate.client;
  requires java.logging;
  requires jdk.httpserver;
}
