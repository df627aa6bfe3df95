package dev.appupdate.protocol.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks the bytes read through it as {@link Utf8#firstRejected} checks an array, so that a
 * document read as a stream is refused for exactly what the whole document in memory would be:
 * {@link #firstRejected()} is the same offset once the stream has been read to its end ({@link
 * #drain()}). It only observes: the reader sees every byte as it is. Not thread-safe.
 */
public final class Utf8InputStream extends FilterInputStream {
  private long offset;
  private long rejected = -1;
  private int rejectedByte;
  // The sequence being read: where it started, its first byte, bytes still to come, value so far.
  private long start;
  private int lead;
  private int need;
  private int min;
  private int cp;
  private IOException failure;

  /**
   * Wraps {@code in}.
   *
   * @param in the stream to read and check
   */
  public Utf8InputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
    if (n < 0) {
      atEnd();
    } else if (rejected < 0) {
      check(b, off, n);
    } else {
      offset += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Every byte must pass the check; skipping reads.
    byte[] buffer = new byte[(int) Math.min(n, 8192)];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Reads the rest of the stream, so that {@link #firstRejected()} covers all of it. */
  public void drain() throws IOException {
    byte[] buffer = new byte[64 * 1024];
    while (read(buffer, 0, buffer.length) >= 0) {
      // Only checked.
    }
  }

  /** The offset of the first rejected byte seen so far, or -1 when there is none. */
  public long firstRejected() {
    return rejected;
  }

  /** The byte at {@link #firstRejected()}: 0 for a NUL byte. */
  public int rejectedByte() {
    return rejectedByte;
  }

  /** The failure of the underlying stream, if a read failed; null otherwise. */
  public IOException failure() {
    return failure;
  }

  private void check(byte[] b, int off, int n) {
    for (int i = off, end = off + n; i < end; i++, offset++) {
      if (need == 0) {
        // ASCII other than NUL, nearly all of a catalog, needs no state: skip over it at once,
        // eight bytes at a time.
        int j = plainAscii(b, i, end);
        offset += j - i;
        i = j;
        if (i == end) {
          return;
        }
      }
      int c = b[i] & 0xff;
      if (need > 0) {
        if ((c & 0xc0) != 0x80) {
          reject(start, lead);
          return;
        }
        cp = (cp << 6) | (c & 0x3f);
        if (--need == 0 && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) {
          reject(start, lead);
          return;
        }
        continue;
      }
      if (c < 0x80) {
        if (c == 0) {
          reject(offset, 0);
          return;
        }
        continue;
      }
      start = offset;
      lead = c;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        min = 0x10000;
      } else {
        reject(offset, c);
        return;
      }
      cp = c & (0x3f >> need);
    }
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  /** Returns the index of the first byte from {@code from} that is NUL or not ASCII, or end. */
  private static int plainAscii(byte[] b, int from, int end) {
    int i = from;
    // A byte of x has its high bit set, or x - ONES does there for the lowest zero byte (no
    // borrow reaches it from below): either way it is not ASCII 1 to 127.
    for (; i + 8 <= end; i += 8) {
      long x = (long) LONGS.get(b, i);
      if (((x | (x - ONES)) & HIGH_BITS) != 0) {
        break;
      }
    }
    while (i < end && b[i] > 0) {
      i++;
    }
    return i;
  }

  private void reject(long at, int value) {
    rejected = at;
    rejectedByte = value;
  }

  private void atEnd() {
    if (rejected < 0 && need > 0) {
      // A sequence cut off by the end of the document.
      reject(start, lead);
    }
  }
}
