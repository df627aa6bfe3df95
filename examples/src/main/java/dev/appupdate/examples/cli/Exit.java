package dev.appupdate.examples.cli;

/** The exit codes of {@code appupdate}; docs/CLI.md lists them with examples. */
final class Exit {
  /** The command did what was asked. */
  static final int OK = 0;

  /**
   * The command ran and something failed: an update was not installed, the completion report was
   * not delivered, a catalog has problems, a file could not be read.
   */
  static final int FAILED = 1;

  /** The command line is wrong: unknown command or option, missing or invalid value. */
  static final int USAGE = 2;

  /**
   * The update check got no usable answer: the server could not be reached, answered with an error
   * status, or sent a document that is not an update response. Nothing was downloaded.
   */
  static final int NO_SERVER = 3;

  private Exit() {}
}
