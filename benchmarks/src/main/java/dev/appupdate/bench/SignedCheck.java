package dev.appupdate.bench;

import dev.appupdate.protocol.signature.AcceptSignature;
import dev.appupdate.protocol.signature.ContentDigest;
import dev.appupdate.protocol.signature.Ed25519Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;

/**
 * Prepares a load run of signed update checks (used by benchmarks/scripts/server-load.sh): writes a
 * new Ed25519 response key pair as {@code appupdate keygen} does (private key owner-only), and
 * prints the two request headers a signing client sends with a given body, one {@code name value}
 * pair a line: {@code key_id}, {@code accept_signature} and {@code content_digest}.
 *
 * <p>The nonce is fixed (the bytes 0 to 31): a real client draws a fresh one per check, but the
 * reference server keeps no record of nonces, so a fixed one costs it exactly the same work, and
 * the load generator needs no Lua per request.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.appupdate.bench.SignedCheck \
 *     response.key response.pub '{"product":"your_app",...}'
 * }</pre>
 */
public final class SignedCheck {
  private SignedCheck() {}

  /**
   * Writes the key pair and prints the headers.
   *
   * @param args the private key file, the public key file (neither may exist) and the request body
   * @throws IOException if a key file cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: SignedCheck PRIVATE_KEY_FILE PUBLIC_KEY_FILE BODY");
      System.exit(2);
    }
    KeyPair pair = Ed25519Keys.generate();
    Ed25519Keys.write(pair, Path.of(args[0]), Path.of(args[1]));
    String keyId = Ed25519Keys.keyId(pair.getPublic());
    byte[] nonce = new byte[32];
    for (int i = 0; i < nonce.length; i++) {
      nonce[i] = (byte) i;
    }
    AcceptSignature accept =
        AcceptSignature.of(
            Base64.getUrlEncoder().withoutPadding().encodeToString(nonce), List.of(keyId));
    ContentDigest digest = ContentDigest.of(args[2].getBytes(StandardCharsets.UTF_8));
    System.out.println("key_id " + keyId);
    System.out.println("accept_signature " + accept.headerValue());
    System.out.println("content_digest " + digest.headerValue());
  }
}
