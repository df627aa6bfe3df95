package dev.appupdate.server;

import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.SigningKey;
import dev.appupdate.protocol.signature.TrustedKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.EdECPrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The server's response keys ({@code --response-key}): private key files, as {@code appupdate
 * keygen} writes them, made into keys that sign with BouncyCastle's lightweight Ed25519. That signs
 * in about 45 us where the JDK's own takes about 1 ms (docs/PERFORMANCE.md, "Signatures"), which
 * would make a signed update check many times dearer than an unsigned one. The signatures are the
 * same bytes either way: Ed25519 is deterministic.
 */
final class ResponseKeys {
  /** As many keys as protocol v1 lets one answer carry signatures. */
  static final int MAX_KEYS = 16;

  private ResponseKeys() {}

  /**
   * Reads each private key file, in order.
   *
   * @param releaseKeys the trusted release keys ({@code --trust}), or null
   * @throws IOException naming the file: unreadable, accessible to group or others, not an Ed25519
   *     private key, holding the same key as another file, or holding a trusted release key
   */
  static List<SigningKey> load(List<Path> files, TrustedKeys releaseKeys) throws IOException {
    Map<String, Path> seen = new LinkedHashMap<>();
    List<SigningKey> keys = new ArrayList<>(files.size());
    for (Path file : files) {
      // Refuses a key that group or others can read, naming the file and what to do.
      SigningKey key = bouncyCastle(Ed25519Keys.readKeyPair(file));
      Path other = seen.putIfAbsent(key.keyId(), file);
      if (other != null) {
        throw new IOException(
            "response key files "
                + other
                + " and "
                + file
                + " hold the same key "
                + key.keyId()
                + ": give each key once");
      }
      if (releaseKeys != null && releaseKeys.keyIds().contains(key.keyId())) {
        // A release key signs what clients install; kept offline, its theft needs more than a
        // break-in to the update server. As a response key it would sit on every replica.
        throw new IOException(
            "response key file "
                + file
                + " holds the release key "
                + key.keyId()
                + " that --trust names: a release key must stay offline, so give the server a"
                + " response key of its own (appupdate keygen)");
      }
      keys.add(key);
    }
    return keys;
  }

  /** Returns {@code pair} as a key that signs with BouncyCastle. */
  static SigningKey bouncyCastle(KeyPair pair) {
    byte[] seed =
        ((EdECPrivateKey) pair.getPrivate())
            .getBytes()
            .orElseThrow(() -> new IllegalArgumentException("the private key hides its bytes"));
    Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(seed, 0);
    Arrays.fill(seed, (byte) 0); // BouncyCastle keeps its own copy
    // Derived and cached now, once, rather than by the first signatures of concurrent workers.
    key.generatePublicKey();
    // An Ed25519Signer buffers the message, so each signature gets its own: the key is shared by
    // every worker thread, and the signer costs one small allocation next to the signature's work.
    return SigningKey.of(
        pair.getPublic(),
        message -> {
          Ed25519Signer signer = new Ed25519Signer();
          signer.init(true, key);
          signer.update(message, 0, message.length);
          return signer.generateSignature();
        });
  }
}
