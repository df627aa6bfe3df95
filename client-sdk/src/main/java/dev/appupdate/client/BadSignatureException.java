package dev.appupdate.client;

import dev.appupdate.protocol.FailureCode;

/**
 * The client pins release keys ({@link
 * UpdateClient.Builder#trustedReleaseKeys(java.security.PublicKey...)}) and the offer carries no
 * valid signature by one of them: the offer is not signed, signed only by keys the client does not
 * trust, or the signature by a trusted key does not verify over the offer's product, update type,
 * version, hash function, hash value and size. Nothing was downloaded and nothing in the directory
 * was touched. Reported to the server with the code {@code bad_signature}; {@link #reason()} says
 * which of the cases it was, for example {@code signature by 844f37232d3ae9f3 does not verify}.
 */
public final class BadSignatureException extends DownloadException {
  private static final long serialVersionUID = 1L;

  BadSignatureException(String reason, String message) {
    super(reason, message, null, null, Disposition.STOP);
  }

  @Override
  FailureCode failureCode() {
    return FailureCode.BAD_SIGNATURE;
  }
}
