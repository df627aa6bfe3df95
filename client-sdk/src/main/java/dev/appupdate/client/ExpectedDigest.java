package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The size and digest an offer declares, and the checks of bytes against them. Digests are compared
 * in constant time; a file is read only up to one byte past the declared size, so a huge file costs
 * no more than a right-sized one.
 */
final class ExpectedDigest {
  private static final int BUFFER_SIZE = 64 * 1024;

  private final AvailableUpdate update;
  private final byte[] expected;

  ExpectedDigest(AvailableUpdate update) {
    this.update = update;
    this.expected = HexFormat.of().parseHex(update.hashValue());
  }

  /** A new digest of the offer's hash function. */
  MessageDigest newDigest() {
    return update.hashFunction().newDigest();
  }

  /** True when {@code actual}, a finished digest, is the declared one. */
  boolean matches(byte[] actual) {
    return MessageDigest.isEqual(expected, actual);
  }

  /** True when {@code file}, read from byte 0, holds exactly the declared size and digest. */
  boolean matchesFile(FileChannel file) throws IOException {
    MessageDigest d = newDigest();
    ByteBuffer buf = ByteBuffer.allocate(BUFFER_SIZE);
    long pos = 0;
    for (int n; pos <= update.size() && (n = file.read(buf.clear(), pos)) >= 0; pos += n) {
      d.update(buf.array(), 0, n);
    }
    return pos == update.size() && matches(d.digest());
  }
}
