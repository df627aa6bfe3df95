/**
 * The appupdate launcher: starts the current version of an application laid out for staged updates,
 * switches to a staged version, and rolls back to the previous version when the new one does not
 * confirm. Run as {@code java -jar appupdate-launcher.jar APP_DIR [ARG...]}; nothing is exported.
 */
module dev.appupdate.launcher {
  requires dev.appupdate.client;
}
