/** Runnable examples and the appupdate command-line tool. */
module dev.appupdate.examples {
  requires dev.appupdate.client;
  requires dev.appupdate.server;
}
