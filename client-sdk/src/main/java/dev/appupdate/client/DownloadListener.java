package dev.appupdate.client;

/**
 * Observes a download and may cancel it. Called on the downloading thread once when the transfer
 * starts (with the bytes resumed from an earlier attempt) and after every chunk written; keep it
 * quick.
 *
 * <p>Returning {@code false} cancels the download: {@link UpdateClient#download} then throws a
 * {@link DownloadCancelledException} and keeps the partial file so that a later call resumes it.
 * Interrupting the downloading thread has the same effect. An exception thrown by the listener ends
 * the download the same way, except that the listener's exception propagates unchanged ({@link
 * UpdateClient#update(java.nio.file.Path, Installer, DownloadListener)} reports the outcomes
 * before it rethrows it).
 *
 * <pre>{@code
 * AtomicBoolean cancelled = new AtomicBoolean();
 * DownloadListener listener = p -> {
 *   progressBar.setValue((int) (p.fraction() * 100));
 *   return !cancelled.get();
 * };
 * }</pre>
 */
@FunctionalInterface
public interface DownloadListener {

  /**
   * Receives progress.
   *
   * @param progress where the download stands
   * @return true to go on, false to cancel the download
   */
  boolean onProgress(DownloadProgress progress);
}
