package dev.appupdate.protocol.signature;

/**
 * The headers that sign one response, made by {@link ResponseSigner}: {@code Content-Digest} of the
 * body (when there is one), {@code Signature-Input} and {@code Signature}. The server adds each to
 * its response as it is.
 */
public final class SignatureHeaders {

  /** The name of the header describing each signature (RFC 9421, section 4.1). */
  public static final String SIGNATURE_INPUT = "Signature-Input";

  /** The name of the header carrying each signature (RFC 9421, section 4.2). */
  public static final String SIGNATURE = "Signature";

  private final String contentDigest;
  private final String signatureInput;
  private final String signature;

  SignatureHeaders(String contentDigest, String signatureInput, String signature) {
    this.contentDigest = contentDigest;
    this.signatureInput = signatureInput;
    this.signature = signature;
  }

  /**
   * Returns the value of the {@code Content-Digest} header ({@link ContentDigest#HEADER}).
   *
   * @return the value, or null for a response without content, which has none
   */
  public String contentDigest() {
    return contentDigest;
  }

  /**
   * Returns the value of the {@code Signature-Input} header ({@link #SIGNATURE_INPUT}).
   *
   * @return the value: one member per signing key
   */
  public String signatureInput() {
    return signatureInput;
  }

  /**
   * Returns the value of the {@code Signature} header ({@link #SIGNATURE}).
   *
   * @return the value: one member per signing key
   */
  public String signature() {
    return signature;
  }

  /** Returns the headers as they would be written, one per line. */
  @Override
  public String toString() {
    return (contentDigest == null ? "" : ContentDigest.HEADER + ": " + contentDigest + "\n")
        + SIGNATURE_INPUT
        + ": "
        + signatureInput
        + "\n"
        + SIGNATURE
        + ": "
        + signature;
  }
}
