package dev.appupdate.client;

import dev.appupdate.protocol.FailureCode;
import java.net.URI;

/**
 * The server sent more or fewer bytes than the offer's {@code size}, or announced a different
 * length. A body longer than declared is cut off as soon as the first extra byte arrives, so an
 * endless body cannot fill the disk. The bytes were discarded.
 */
public final class SizeMismatchException extends DownloadException {
  private static final long serialVersionUID = 1L;

  /** The declared size. */
  private final long expected;

  /** The bytes received or announced. */
  private final long received;

  SizeMismatchException(String reason, String message, long expected, long received, URI url) {
    super(reason, message, url, null, Disposition.NEXT_URL);
    this.expected = expected;
    this.received = received;
  }

  static SizeMismatchException tooLong(long expected, long received, URI url) {
    return new SizeMismatchException(
        "size mismatch: more than the declared " + expected + " bytes",
        url
            + " sent more than the declared "
            + expected
            + " bytes (stopped reading at "
            + received
            + ")",
        expected,
        received,
        url);
  }

  static SizeMismatchException tooShort(long expected, long received, URI url) {
    return new SizeMismatchException(
        "size mismatch: expected " + expected + " bytes, got " + received,
        url + " ended after " + received + " of the declared " + expected + " bytes",
        expected,
        received,
        url);
  }

  static SizeMismatchException announced(long expected, long announced, URI url) {
    return new SizeMismatchException(
        "size mismatch: expected " + expected + " bytes, server announced " + announced,
        url
            + " announced Content-Length "
            + announced
            + " but the offer declares "
            + expected
            + " bytes",
        expected,
        announced,
        url);
  }

  /**
   * Returns the size the offer declared.
   *
   * @return the size in bytes
   */
  public long expected() {
    return expected;
  }

  /**
   * Returns the number of bytes received (for a body that was too long: the count at which reading
   * stopped) or, when the mismatch was seen in the headers, the announced length.
   *
   * @return a number of bytes
   */
  public long received() {
    return received;
  }

  @Override
  int severity() {
    return 1;
  }

  @Override
  FailureCode failureCode() {
    return FailureCode.SIZE_MISMATCH;
  }
}
