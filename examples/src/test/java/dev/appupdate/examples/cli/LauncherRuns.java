package dev.appupdate.examples.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Runs the launcher jar on an application directory, and builds the versions the tests offer. */
final class LauncherRuns {
  private LauncherRuns() {}

  /** One run of the launcher: its exit status, its standard output lines and its errors. */
  record Run(int exit, List<String> out, String err) {}

  /** Runs the launcher jar, in {@code work}, on {@code appDir} against {@code server}. */
  static Run launch(Path work, URI server, Path appDir, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of(appDir.toString(), server.toString()));
    args.addAll(List.of(options));
    try (JarProcess p =
        JarProcess.start("launcher", JarProcess.jar("appupdate.launcher.jar"), work, args)) {
      List<String> out = p.stdoutLines();
      return new Run(p.awaitExit(), out, p.stderr());
    }
  }

  /**
   * A version's archive, in {@code work}: the demo's jar (the CLI jar holds it and the SDK) and its
   * settings.
   */
  static Path version(Path work, boolean crash) throws IOException {
    Path zip = Files.createTempFile(work, "version", ".zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("lib/"));
      out.putNextEntry(new ZipEntry("lib/demo.jar"));
      Files.copy(JarProcess.jar("appupdate.cli.jar"), out);
      out.putNextEntry(new ZipEntry("demo.properties"));
      out.write(("crash=" + crash + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return zip;
  }
}
