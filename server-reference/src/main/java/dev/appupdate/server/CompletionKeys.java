package dev.appupdate.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The (request_id, update_type) pairs of the completions in the log whose request id has not
 * expired, to recognize a repeated report. Each pair is kept as 128 bits of its SHA-256 (collisions
 * are moot) and the minute its request id expires, in flat arrays of an open-addressing hash table:
 * 20 bytes a slot, at most twice as many slots as pairs, so about 40 bytes per pair at worst and no
 * object per pair. The number of pairs is capped; not thread-safe.
 */
final class CompletionKeys {
  /** The largest cap: its table takes 20 GiB. */
  static final int MAX_CAP = 1 << 29;

  private static final int MIN_SLOTS = 1024;

  private final int max;
  private long[] high;
  private long[] low;

  /** Minutes since the epoch, rounded up, after which the pair's request id expired; 0 = free. */
  private int[] expiry;

  private int size;

  /** @param max how many pairs may be held at most */
  CompletionKeys(int max) {
    if (max < 1 || max > MAX_CAP) {
      throw new IllegalArgumentException("max must be 1-" + MAX_CAP + ", got " + max);
    }
    this.max = max;
    allocate(MIN_SLOTS);
  }

  /** Returns the 128-bit key of a pair. */
  static Key key(String requestId, String updateType) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available on this JVM", e);
    }
    // Length-prefixed, so that no two pairs feed the digest the same bytes.
    byte[] id = requestId.getBytes(StandardCharsets.UTF_8);
    sha.update(ByteBuffer.allocate(4).putInt(id.length).array());
    sha.update(id);
    byte[] d = sha.digest(updateType.getBytes(StandardCharsets.UTF_8));
    ByteBuffer b = ByteBuffer.wrap(d);
    return new Key(b.getLong(), b.getLong());
  }

  int size() {
    return size;
  }

  int max() {
    return max;
  }

  /** Returns the size of the table, which memory use follows: 20 bytes a slot. */
  int slots() {
    return high.length;
  }

  /** Returns how many more pairs fit under the cap. */
  int room() {
    return max - size;
  }

  boolean contains(Key key) {
    return expiry[find(key.high(), key.low())] != 0;
  }

  /**
   * Adds {@code key}, to be forgotten once {@code expiresAtSecond} has passed.
   *
   * @return false when the key was there already
   * @throws IllegalStateException when the cap is reached; check {@link #room()} first
   */
  boolean add(Key key, long expiresAtSecond) {
    int slot = find(key.high(), key.low());
    if (expiry[slot] != 0) {
      return false;
    }
    if (size >= max) {
      throw new IllegalStateException("the cap of " + max + " keys is reached");
    }
    if ((size + 1) * 2L > high.length) {
      allocate(high.length * 2);
      slot = find(key.high(), key.low());
    }
    high[slot] = key.high();
    low[slot] = key.low();
    expiry[slot] = minutes(expiresAtSecond);
    size++;
    return true;
  }

  /** Forgets the pairs whose request id expired before {@code epochSecond}. */
  void removeExpiredBefore(long epochSecond) {
    int keep = 0;
    for (int e : expiry) {
      if (e != 0 && (long) e * 60 >= epochSecond) {
        keep++;
      }
    }
    if (keep == size) {
      return;
    }
    // Open addressing cannot simply blank a slot: rebuild, sized for what is left.
    int slots = MIN_SLOTS;
    while (keep * 2L > slots) {
      slots *= 2;
    }
    rehash(slots, epochSecond);
  }

  private void allocate(int slots) {
    rehash(slots, Long.MIN_VALUE);
  }

  /** Moves the pairs that expire at or after {@code keepFrom} into a table of {@code slots}. */
  private void rehash(int slots, long keepFrom) {
    long[] oldHigh = high;
    long[] oldLow = low;
    int[] oldExpiry = expiry;
    high = new long[slots];
    low = new long[slots];
    expiry = new int[slots];
    size = 0;
    if (oldExpiry == null) {
      return;
    }
    for (int i = 0; i < oldExpiry.length; i++) {
      if (oldExpiry[i] != 0 && (long) oldExpiry[i] * 60 >= keepFrom) {
        int slot = find(oldHigh[i], oldLow[i]);
        high[slot] = oldHigh[i];
        low[slot] = oldLow[i];
        expiry[slot] = oldExpiry[i];
        size++;
      }
    }
  }

  /** Returns the slot holding the key, or the free slot where it belongs. */
  private int find(long h, long l) {
    int mask = high.length - 1;
    // The key is a slice of a SHA-256: its low bits are as good as any hash of them.
    int slot = (int) l & mask;
    while (expiry[slot] != 0 && !(high[slot] == h && low[slot] == l)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Rounds up, so that a pair is never forgotten early; at least 1, which marks a used slot. */
  private static int minutes(long epochSecond) {
    long m = Math.floorDiv(epochSecond, 60) + (Math.floorMod(epochSecond, 60) == 0 ? 0 : 1);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, m));
  }

  @Override
  public String toString() {
    return "CompletionKeys[" + size + " of at most " + max + ", " + high.length + " slots]";
  }

  /** A (request_id, update_type) pair as 128 bits of its SHA-256. */
  record Key(long high, long low) {}
}
