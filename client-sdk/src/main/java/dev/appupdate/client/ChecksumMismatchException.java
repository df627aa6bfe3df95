package dev.appupdate.client;

import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Outcome;
import java.net.URI;

/**
 * The downloaded bytes have the declared size but not the declared digest. The bytes were
 * discarded. Reported to the server as {@value Outcome#BAD_CHECKSUM} with the observed digest.
 */
public final class ChecksumMismatchException extends DownloadException {
  private static final long serialVersionUID = 1L;

  /** The hash function of both digests. */
  private final HashFunction hashFunction;

  /** The declared digest. */
  private final String expected;

  /** The digest of the received bytes. */
  private final String actual;

  /** The number of bytes received. */
  private final long size;

  ChecksumMismatchException(
      HashFunction hashFunction, String expected, String actual, long size, URI url) {
    super(
        Outcome.BAD_CHECKSUM,
        "bad checksum for "
            + url
            + ": expected "
            + hashFunction
            + " "
            + expected
            + ", got "
            + actual
            + " over "
            + size
            + " bytes",
        url,
        null,
        Disposition.NEXT_URL);
    this.hashFunction = hashFunction;
    this.expected = expected;
    this.actual = actual;
    this.size = size;
  }

  /**
   * Returns the hash function of both digests.
   *
   * @return the offer's hash function
   */
  public HashFunction hashFunction() {
    return hashFunction;
  }

  /**
   * Returns the digest the offer declared.
   *
   * @return lower-case hex
   */
  public String expected() {
    return expected;
  }

  /**
   * Returns the digest of the bytes received.
   *
   * @return lower-case hex
   */
  public String actual() {
    return actual;
  }

  /**
   * Returns the number of bytes the actual digest covers.
   *
   * @return the size in bytes
   */
  public long size() {
    return size;
  }

  @Override
  int severity() {
    return 2;
  }

  @Override
  FailureCode failureCode() {
    return FailureCode.BAD_CHECKSUM;
  }
}
