package dev.appupdate.server;

import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.Version;
import dev.appupdate.server.CompletionStore.CompletionCount;
import dev.appupdate.server.CompletionStore.HaltFigures;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the JSONL store answers {@link CompletionStore#counts} and {@link
 * CompletionStore#haltFigures} from: aggregates of the records in its kept files, built while
 * reading them at open and updated on each append, so that neither question reads a file.
 *
 * <p>Memory is bounded by what the aggregates are keyed by, never by the number of records: one
 * counter per (file, product, update type, version, status, failure code, hour), and per release
 * one slot per distinct reporter (a 64-bit digest of the installation key or, without one, of the
 * request id, the failure codes it reported as a bit set, and the newest file it appears in): 14
 * bytes a slot, at most twice as many slots as reporters, so at most 28 bytes per distinct reporter
 * and release. A reporter needs at least one line of about 280 bytes or more in a kept file, so the
 * byte cap of the store bounds them: 1 GiB of lines holds at most about 3.8 million reporters,
 * about 110 MiB of slots. Not thread-safe: the store guards it.
 */
final class CompletionAggregates {
  private static final long HOUR = 3600;

  /** Counters per file, so that deleting a file drops exactly its records from the counts. */
  private final Map<Integer, Map<CountKey, long[]>> counts = new HashMap<>();

  private final Map<Release, Reporters> reporters = new HashMap<>();

  /** One instance per distinct name, so that millions of rows share a handful of strings. */
  private final Map<String, String> names = new HashMap<>();

  /** Adds one record, read from or appended to the file numbered {@code file}. */
  void add(int file, CompletionRecord record) {
    Outcome outcome = record.outcome();
    String version = name(Version.parse(outcome.version()).canonical());
    String product = name(record.product());
    String type = name(record.updateType());
    FailureCode code = outcome.code();
    long hour = Math.floorDiv(record.receivedAt().getEpochSecond(), HOUR) * HOUR;
    counts
        .computeIfAbsent(file, f -> new HashMap<>())
        .computeIfAbsent(
            new CountKey(
                product,
                type,
                version,
                outcome.status().wireName(),
                code == null ? null : code.wireName(),
                hour),
            k -> new long[1])[0]++;
    if (code == FailureCode.CANCELLED) {
      // Counts nowhere for a halt: neither a reporter nor a failure.
      return;
    }
    int bits = code == null ? 0 : 1 << code.ordinal();
    reporters
        .computeIfAbsent(new Release(product, type, version), r -> new Reporters())
        .add(reporter(record), bits, file);
  }

  /** Forgets the records of every file numbered {@code file} or lower: those files are deleted. */
  void dropFilesUpTo(int file) {
    counts.keySet().removeIf(f -> f <= file);
    reporters.values().removeIf(r -> r.removeNewestUpTo(file) == 0);
  }

  List<CompletionCount> counts(Instant since) {
    long from = since.getEpochSecond();
    Map<CountKey, long[]> merged = new HashMap<>();
    for (Map<CountKey, long[]> perFile : counts.values()) {
      perFile.forEach(
          (k, n) -> {
            // Rows are per hour: an hour counts when it ends after the start of the window.
            if (k.hour() + HOUR > from) {
              merged.computeIfAbsent(k, x -> new long[1])[0] += n[0];
            }
          });
    }
    List<CompletionCount> rows = new ArrayList<>(merged.size());
    merged.forEach(
        (k, n) ->
            rows.add(
                new CompletionCount(
                    k.product(),
                    k.updateType(),
                    k.version(),
                    k.status(),
                    k.code(),
                    Instant.ofEpochSecond(k.hour()),
                    n[0])));
    return rows;
  }

  HaltFigures haltFigures(
      String product, String updateType, String version, Set<String> haltCodes) {
    Reporters r =
        reporters.get(new Release(product, updateType, Version.parse(version).canonical()));
    if (r == null) {
      return new HaltFigures(0, 0);
    }
    int mask = 0;
    for (FailureCode code : FailureCode.values()) {
      if (code != FailureCode.CANCELLED && haltCodes.contains(code.wireName())) {
        mask |= 1 << code.ordinal();
      }
    }
    return new HaltFigures(r.size(), r.countMatching(mask));
  }

  /** Returns how many count rows and reporter slots are held, for the memory figures. */
  long[] footprint() {
    long rows = 0;
    for (Map<CountKey, long[]> perFile : counts.values()) {
      rows += perFile.size();
    }
    long slots = 0;
    for (Reporters r : reporters.values()) {
      slots += r.slots();
    }
    return new long[] {rows, slots};
  }

  private String name(String s) {
    return names.computeIfAbsent(s, x -> x);
  }

  private static long reporter(CompletionRecord record) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available on this JVM", e);
    }
    // Prefixed, so that an installation key never equals a request id.
    String id =
        record.installation() != null
            ? "i:" + record.installation()
            : "r:" + record.requestId();
    byte[] d = sha.digest(id.getBytes(StandardCharsets.UTF_8));
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xff);
    }
    return h;
  }

  private record CountKey(
      String product, String updateType, String version, String status, String code, long hour) {}

  private record Release(String product, String updateType, String version) {}

  /**
   * The distinct reporters of one release in an open-addressing table of flat arrays: the reporter
   * digest (0 marks a free slot, so a digest of 0 is stored as 1), the failure codes it reported,
   * and the newest file it appears in.
   */
  static final class Reporters {
    private static final int MIN_SLOTS = 16;
    private long[] keys = new long[MIN_SLOTS];
    private short[] codes = new short[MIN_SLOTS];
    private int[] newest = new int[MIN_SLOTS];
    private int size;

    void add(long key, int bits, int file) {
      long k = key == 0 ? 1 : key;
      if ((size + 1) * 2L > keys.length) {
        rehash(keys.length * 2, Integer.MIN_VALUE);
      }
      int slot = find(k);
      if (keys[slot] == 0) {
        keys[slot] = k;
        size++;
      }
      codes[slot] |= (short) bits;
      newest[slot] = Math.max(newest[slot], file);
    }

    /** Removes the reporters seen only in files up to {@code file}; returns how many are left. */
    int removeNewestUpTo(int file) {
      int slots = MIN_SLOTS;
      int keep = 0;
      for (int i = 0; i < keys.length; i++) {
        if (keys[i] != 0 && newest[i] > file) {
          keep++;
        }
      }
      while (keep * 2L > slots) {
        slots *= 2;
      }
      rehash(slots, file + 1);
      return size;
    }

    int size() {
      return size;
    }

    int slots() {
      return keys.length;
    }

    long countMatching(int mask) {
      long n = 0;
      for (int i = 0; i < keys.length; i++) {
        if (keys[i] != 0 && (codes[i] & mask) != 0) {
          n++;
        }
      }
      return n;
    }

    private void rehash(int slots, int keepFrom) {
      long[] oldKeys = keys;
      short[] oldCodes = codes;
      int[] oldNewest = newest;
      keys = new long[slots];
      codes = new short[slots];
      newest = new int[slots];
      size = 0;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != 0 && oldNewest[i] >= keepFrom) {
          int slot = find(oldKeys[i]);
          keys[slot] = oldKeys[i];
          codes[slot] = oldCodes[i];
          newest[slot] = oldNewest[i];
          size++;
        }
      }
    }

    private int find(long k) {
      int mask = keys.length - 1;
      // The key is a slice of a SHA-256: its low bits are as good as any hash of them.
      int slot = (int) k & mask;
      while (keys[slot] != 0 && keys[slot] != k) {
        slot = (slot + 1) & mask;
      }
      return slot;
    }
  }
}
