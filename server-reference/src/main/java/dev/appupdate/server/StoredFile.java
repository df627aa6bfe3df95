package dev.appupdate.server;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Instant;

/** A file ready to be served: its validators, and its bytes from an open channel or memory. */
final class StoredFile implements Closeable {
  private final long size;
  private final Instant lastModified;
  private final String etag;
  private final FileChannel channel;
  private final byte[] bytes;

  private StoredFile(
      long size, Instant lastModified, String etag, FileChannel channel, byte[] bytes) {
    this.size = size;
    this.lastModified = lastModified;
    this.etag = etag;
    this.channel = channel;
    this.bytes = bytes;
  }

  /** A file read from {@code channel}, which the returned object closes. */
  static StoredFile of(FileChannel channel, long size, Instant lastModified, String etag) {
    return new StoredFile(size, lastModified, etag, channel, null);
  }

  /** A file held in memory. */
  static StoredFile of(byte[] bytes, Instant lastModified, String etag) {
    return new StoredFile(bytes.length, lastModified, etag, null, bytes);
  }

  long size() {
    return size;
  }

  /** Returns the modification time, to the second as HTTP dates carry it. */
  Instant lastModified() {
    return lastModified;
  }

  /** Returns the strong entity tag, quoted. */
  String etag() {
    return etag;
  }

  /** Writes {@code length} bytes from {@code offset} to {@code out}. */
  void copyTo(OutputStream out, long offset, long length) throws IOException {
    if (bytes != null) {
      out.write(bytes, Math.toIntExact(offset), Math.toIntExact(length));
      return;
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(64 * 1024, Math.max(length, 1)));
    long position = offset;
    long end = offset + length;
    while (position < end) {
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), end - position));
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new IOException(
            "file shrank while being served: ended at " + position + " instead of " + end);
      }
      out.write(buffer.array(), 0, n);
      position += n;
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
