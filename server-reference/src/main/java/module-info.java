/** The appupdate reference server on the JDK's built-in HTTP server. */
module dev.appupdate.server {
  requires dev.appupdate.protocol;
  requires jdk.httpserver;

}
