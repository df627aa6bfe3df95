package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateResponse;
import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.ReleaseSignatures;
import dev.appupdate.protocol.signature.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Real Ed25519 keys and release signatures for the tests. */
final class Signing {
  private Signing() {}

  /** A new key pair, as {@code appupdate keygen} makes one. */
  static SigningKey newKey() {
    return SigningKey.of(Ed25519Keys.generate());
  }

  /** {@code offer} with a signature by each key over its canonical bytes for {@code product}. */
  static AvailableUpdate signed(String product, AvailableUpdate offer, SigningKey... keys) {
    List<ReleaseSignature> signatures = new ArrayList<>(offer.signatures());
    for (SigningKey key : keys) {
      byte[] signature = key.sign(ReleaseSignatures.canonicalBytes(product, offer));
      signatures.add(
          ReleaseSignature.of(
              key.keyId(), Base64.getUrlEncoder().withoutPadding().encodeToString(signature)));
    }
    return offer.toBuilder().signatures(signatures).build();
  }

  /** The JSON of an update response with these offers under the request id {@code req-1}. */
  static String responseJson(AvailableUpdate... offers) {
    return new String(
        ServerCodec.create().encodeUpdateResponse(UpdateResponse.of(List.of(offers), "req-1")),
        StandardCharsets.UTF_8);
  }
}
