package dev.appupdate.client;

/**
 * The application's part of {@link UpdateClient#update(java.nio.file.Path, Installer)}: puts a
 * verified update into use. Whatever it throws is reported to the server as a failed update with a
 * short reason; returning normally reports success.
 *
 * <pre>{@code
 * Installer installer = downloaded -> {
 *   Path target = dataDir.resolve(downloaded.offer().updateType() + ".json");
 *   Files.move(downloaded.path(), target, StandardCopyOption.REPLACE_EXISTING);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Installer {

  /**
   * Installs {@code update}. The file at {@link DownloadedUpdate#path()} is verified; the installer
   * may move, copy or delete it.
   *
   * @param update the verified update
   * @throws Exception if installing failed; the message becomes part of the reported reason
   */
  void install(DownloadedUpdate update) throws Exception;
}
