/**
 * The appupdate client SDK: checks for updates, downloads and verifies them, hands them to the
 * application's installer and reports the outcome to the server. Start with {@link
 * dev.appupdate.client.UpdateClient}; for applications updated in place by the launcher, {@link
 * dev.appupdate.client.AppLayout}.
 */
// The launcher module is built after this one: its qualified export names a module not yet seen.
@SuppressWarnings("module")
module dev.appupdate.client {
  requires transitive dev.appupdate.protocol;
  requires transitive java.net.http;

  exports dev.appupdate.client;
  // The application directory's state, shared with the launcher; not API.
  exports dev.appupdate.client.internal to
      dev.appupdate.launcher;
}
