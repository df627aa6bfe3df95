package dev.appupdate.server;

import java.io.IOException;
import java.util.List;

/** Where the files served under {@code /files/} come from: a directory, or the embedded demo. */
interface FileStore {

  /**
   * Returns the file at {@code segments}, or null when there is none to serve: missing, a
   * directory, hidden, or reached through a symbolic link that leaves the store.
   *
   * @param segments the decoded path segments below {@code /files/}; none empty, {@code .} or
   *     {@code ..}, and none holding a slash, backslash or NUL
   */
  StoredFile find(List<String> segments) throws IOException;
}
