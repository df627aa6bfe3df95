package dev.appupdate.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Token buckets per client address, one {@link RateLimit} for all. An IPv6 client counts by its
 * /64, the block a single subscriber usually gets, so that it cannot take a fresh bucket per
 * address. Memory is bounded: when more than {@code maxAddresses} buckets exist, the full ones
 * (addresses that have been quiet long enough to be owed nothing) are dropped, and if that is not
 * enough, addresses without a bucket share one until there is room again. That sweep walks every
 * bucket, so it runs at most once per {@link #SWEEP_INTERVAL}: an attacker with more addresses
 * than the table holds would otherwise buy a walk of the whole table with each request.
 */
final class RateLimiter {
  /** Buckets kept at most, unless configured: about 100 bytes each. */
  static final int DEFAULT_MAX_ADDRESSES = 100_000;

  /** The shortest time between two sweeps of a full table. */
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

  private static final Key SHARED = new Key(new byte[0]);

  private final RateLimit limit;
  private final LongSupplier nanoTime;
  private final int maxAddresses;
  private final ConcurrentHashMap<Key, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicLong nextSweep;

  /**
   * @param nanoTime the ticker, {@code System::nanoTime} outside tests
   */
  RateLimiter(RateLimit limit, LongSupplier nanoTime, int maxAddresses) {
    this.limit = limit;
    this.nanoTime = nanoTime;
    this.maxAddresses = maxAddresses;
    this.nextSweep = new AtomicLong(nanoTime.getAsLong());
  }

  RateLimit limit() {
    return limit;
  }

  /**
   * Takes {@code cost} tokens from the bucket of {@code address}, if it has them.
   *
   * @return 0 when taken; otherwise the nanoseconds until the bucket will hold {@code cost} tokens
   *     (at least 1), and nothing was taken
   */
  long acquire(InetAddress address, int cost) {
    long now = nanoTime.getAsLong();
    Key key = Key.of(address);
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      if (buckets.size() >= maxAddresses && sweepDue(now)) {
        sweep(now);
      }
      if (buckets.size() >= maxAddresses) {
        key = SHARED;
      }
      bucket = buckets.computeIfAbsent(key, k -> new Bucket(limit.burst(), now));
    }
    return bucket.acquire(limit, now, cost);
  }

  /** Returns how many addresses have a bucket. */
  int size() {
    return buckets.size();
  }

  /** Whether a sweep may run now; if so, the next one may not run before the interval is over. */
  private boolean sweepDue(long now) {
    long next = nextSweep.get();
    return now - next >= 0 && nextSweep.compareAndSet(next, now + SWEEP_INTERVAL.toNanos());
  }

  private void sweep(long now) {
    buckets.entrySet().removeIf(e -> e.getKey() != SHARED && e.getValue().fullAt(limit, now));
  }

  /** An address, or for IPv6 its /64. */
  private static final class Key {
    private final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    static Key of(InetAddress address) {
      byte[] a = address.getAddress();
      return new Key(address instanceof Inet6Address ? Cidr.mask(a, 64) : a);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key && Arrays.equals(bytes, ((Key) o).bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private static final class Bucket {
    private double tokens;
    private long last;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.last = now;
    }

    synchronized long acquire(RateLimit limit, long now, int cost) {
      refill(limit, now);
      // A bucket smaller than the cost would refuse for ever: it is then emptied instead.
      double need = Math.min(cost, limit.burst());
      if (tokens >= need) {
        tokens -= need;
        return 0;
      }
      double missing = need - tokens;
      return Math.max(1, (long) Math.ceil(missing / limit.perSecond() * 1e9));
    }

    synchronized boolean fullAt(RateLimit limit, long now) {
      refill(limit, now);
      return tokens >= limit.burst();
    }

    private void refill(RateLimit limit, long now) {
      long elapsed = now - last;
      if (elapsed > 0) {
        tokens = Math.min(limit.burst(), tokens + elapsed / 1e9 * limit.perSecond());
        last = now;
      }
    }
  }
}
