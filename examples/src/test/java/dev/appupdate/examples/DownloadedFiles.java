package dev.appupdate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the files the client keeps in a download directory. Tests match a file by its update
 * type and version at the start of its name, and never spell out the whole name: the client may
 * add to it (a suffix that keeps distinct releases apart, for example).
 */
public final class DownloadedFiles {
  private DownloadedFiles() {}

  /**
   * Returns the one file in {@code dir} whose name starts with {@code <update_type>-<version>} of
   * {@code release}.
   *
   * @throws AssertionError if there is none, or more than one
   */
  public static Path of(Path dir, ServedCatalog.Offered release) throws IOException {
    String prefix = release.updateType() + "-" + release.version();
    List<Path> matching =
        names(dir).stream().filter(name -> name.startsWith(prefix)).map(dir::resolve).toList();
    assertThat(matching).as("files of %s in %s", prefix, dir).hasSize(1);
    return matching.get(0);
  }

  /** Returns the names of every entry in {@code dir}, hidden ones included, sorted. */
  public static List<String> names(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
