package dev.appupdate.client;

import dev.appupdate.protocol.FailureCode;

/**
 * The {@link DownloadListener} returned {@code false} or the downloading thread was interrupted (in
 * which case the interrupt flag is set again). The partial file is kept so that a later download of
 * the same update resumes it, when the server allows resuming.
 */
public final class DownloadCancelledException extends DownloadException {
  private static final long serialVersionUID = 1L;

  DownloadCancelledException(String message) {
    super("cancelled", message, null, null, Disposition.STOP);
  }

  @Override
  FailureCode failureCode() {
    return FailureCode.CANCELLED;
  }
}
