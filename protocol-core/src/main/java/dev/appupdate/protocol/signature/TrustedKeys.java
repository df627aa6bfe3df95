package dev.appupdate.protocol.signature;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
   * @throws IllegalArgumentException if there is no key, or one is not an Ed25519 key
   */
  public static TrustedKeys of(PublicKey... keys) {
    return of(Arrays.asList(keys));
  }

  /**
   * Returns the set of these keys.
   *
   * @param keys Ed25519 public keys, at least one; a key given twice counts once
   * @return the trusted keys
   * @throws IllegalArgumentException if there is no key, or one is not an Ed25519 key
   */
  public static TrustedKeys of(Collection<? extends PublicKey> keys) {
    Objects.requireNonNull(keys, "keys == null");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no trusted key: give at least one");
    }
    Map<String, PublicKey> map = new LinkedHashMap<>();
    for (PublicKey k : keys) {
      Objects.requireNonNull(k, "a key is null");
      map.put(Ed25519Keys.keyId(k), k);
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
