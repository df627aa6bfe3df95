package dev.appupdate.protocol.signature;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The public keys a verifier trusts, by {@linkplain Ed25519Keys#keyId key id}: release keys for
 * catalog and offer signatures, server keys for response signatures. Holding two keys during a
 * change-over accepts what either signed. Immutable.
 *
 * <pre>{@code
 * TrustedKeys trusted = TrustedKeys.of(Ed25519Keys.readPublicKey(Path.of("release.pub")));
 * }</pre>
 */
public final class TrustedKeys {
  private final Map<String, PublicKey> keys;

  private TrustedKeys(Map<String, PublicKey> keys) {
    this.keys = keys;
  }

  /**
   * Returns the set of these keys.
   *
   * @param keys Ed25519 public keys, at least one; a key given twice counts once
   * @return the trusted keys
   * @throws IllegalArgumentException if there is no key, one is not an Ed25519 key or a weak one
   *     (a point of small order), or two different keys have the same key id
   */
  public static TrustedKeys of(PublicKey... keys) {
    return of(Arrays.asList(keys));
  }

  /**
   * Returns the set of these keys.
   *
   * @param keys Ed25519 public keys, at least one; a key given twice counts once
   * @return the trusted keys
   * @throws IllegalArgumentException if there is no key, one is not an Ed25519 key or a weak one
   *     (a point of small order), or two different keys have the same key id
   */
  public static TrustedKeys of(Collection<? extends PublicKey> keys) {
    return of(keys, Ed25519Keys::keyId);
  }

  /** As {@link #of(Collection)}, with the key ids that {@code keyIdOf} gives: for tests. */
  static TrustedKeys of(
      Collection<? extends PublicKey> keys, Function<PublicKey, String> keyIdOf) {
    Objects.requireNonNull(keys, "keys == null");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no trusted key: give at least one");
    }
    Map<String, PublicKey> map = new LinkedHashMap<>();
    for (PublicKey k : keys) {
      Objects.requireNonNull(k, "a key is null");
      String id = keyIdOf.apply(k);
      // Also for keys made without Ed25519Keys (a KeyFactory of one's own), which it would refuse.
      String weakness = Ed25519.weakness(Ed25519.rawPublicKey(k));
      if (weakness != null) {
        throw new IllegalArgumentException("not a usable Ed25519 public key: " + weakness);
      }
      PublicKey before = map.putIfAbsent(id, k);
      // Signatures name their key by id only: with two keys of one id, one would be unreachable.
      if (before != null && !Arrays.equals(Ed25519.rawPublicKey(before), Ed25519.rawPublicKey(k))) {
        throw new IllegalArgumentException(
            "two different keys have the same key id " + id + ": trust one of them");
      }
    }
    return new TrustedKeys(map);
  }

  /**
   * Returns the ids of the keys, in the order given.
   *
   * @return the key ids, 16 lower-case hex digits each
   */
  public List<String> keyIds() {
    return List.copyOf(keys.keySet());
  }

  /** Returns the key with this id, or null when it is not trusted. */
  PublicKey get(String keyId) {
    return keys.get(keyId);
  }

  /** Returns {@code TrustedKeys[id, id]}. */
  @Override
  public String toString() {
    return "TrustedKeys" + new ArrayList<>(keys.keySet());
  }
}
