/**
 * The appupdate client SDK: checks for updates, downloads and verifies them, hands them to the
 * application's installer and reports the outcome to the server. Start with {@link
 * dev.appupdate.client.UpdateClient}.
 */
module dev.appupdate.client {
  requires transitive dev.appupdate.protocol;
  requires transitive java.net.http;

  exports dev.appupdate.client;
}
