/**
 * The appupdate client SDK: checks for updates, downloads and verifies them, hands them to the
 * application's installer and reports the outcome to the server.
 */
module dev.appupdate.client {
  requires transitive dev.appupdate.protocol;
  requires java.net.http;

}
