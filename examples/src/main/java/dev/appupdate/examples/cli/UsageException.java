package dev.appupdate.examples.cli;

/**
 * The command line is wrong. The message is the one-line reason printed on stderr, for example
 * {@code --server is required}; the CLI adds the command and a pointer to its help.
 */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String reason) {
    super(reason);
  }
}
