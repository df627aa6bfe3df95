package dev.appupdate.client.patch;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictContentType;
import com.github.luben.zstd.ZstdDictDecompress;
import com.github.luben.zstd.ZstdException;
import dev.appupdate.client.PatchApplier;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * The {@code zstd} patch format: one zstd frame compressed with the old file as raw-content
 * dictionary and a long window, the frame {@code zstd --patch-from=OLD --long=31 NEW} writes
 * (and {@code zstd -d --patch-from=OLD --long=31} reads). docs/PROTOCOL.md, "Patches", is the
 * normative text.
 *
 * <pre>{@code
 * UpdateClient client = UpdateClient.builder()
 *     .serverUri(URI.create("https://updates.example.com/"))
 *     .request(request)
 *     .patches(ZstdPatches.applier())
 *     .build();
 *
 * ZstdPatches.create(Path.of("app-1.0.jar"), Path.of("app-2.0.jar"), Path.of("app-1.0-2.0.zst"));
 * }</pre>
 *
 * <h2>Memory</h2>
 *
 * <p>Applying streams the patch and the new bytes in 128 KiB pieces (the Java heap used is
 * about 256 KiB whatever the sizes); the base file is read whole into native memory, because the
 * decoder may refer back to any of it. No file is mapped: a mapped file that another process
 * truncates would crash the JVM (SIGBUS) rather than fail the call. The decoder's native
 * window holds the new bytes it may still refer back to: at most the new file's size, and never
 * more than 2 GiB (window log {@value #WINDOW_LOG_MAX}, {@code --long=31}). A frame whose
 * declared size is not the offer's, or that declares none, is refused before anything is
 * allocated for it. So applying a patch from a 100 MiB file to a 100 MiB file needs about 200
 * MiB of native memory. Creating a patch holds
 * both files in memory and the compressor's tables besides, sized so that the whole base is
 * indexed (the process peaked at 707 MiB for two 54 MiB jars, docs/PERFORMANCE.md); it is a
 * publisher's tool, not a client's.
 */
public final class ZstdPatches {

  /** The largest window log a patch may use: 2 GiB, as {@code --long=31}. */
  public static final int WINDOW_LOG_MAX = 31;

  /** The compression level {@link #create(Path, Path, Path)} uses. */
  public static final int DEFAULT_LEVEL = 19;

  /** The format name, {@code zstd}. */
  public static final String FORMAT = "zstd";

  private static final int CHUNK = 128 * 1024;

  private static final PatchApplier APPLIER =
      new PatchApplier() {
        @Override
        public List<String> formats() {
          return List.of(FORMAT);
        }

        @Override
        public void apply(String format, Path base, Path patch, long size, OutputStream out)
            throws IOException {
          if (!FORMAT.equals(format)) {
            throw new IOException("not a zstd patch: format " + format);
          }
          ZstdPatches.apply(base, patch, size, out);
        }

        @Override
        public String toString() {
          return "ZstdPatches.applier()";
        }
      };

  private ZstdPatches() {}

  /**
   * Returns the applier of the {@code zstd} format, for {@code UpdateClient.Builder.patches}.
   *
   * @return the applier; stateless and thread-safe
   */
  public static PatchApplier applier() {
    return APPLIER;
  }

  /**
   * Writes a patch from {@code from} to {@code to} at the {@linkplain #DEFAULT_LEVEL default
   * level}.
   *
   * @param from the old file, the base the patch applies to
   * @param to the new file the patch rebuilds
   * @param patch where the patch is written; replaced if present
   * @throws IOException if a file cannot be read or written, or either file is 2 GiB or larger
   */
  public static void create(Path from, Path to, Path patch) throws IOException {
    create(from, to, patch, DEFAULT_LEVEL);
  }

  /**
   * Writes a patch from {@code from} to {@code to}: one zstd frame with a checksum and the new
   * file's size, compressed with {@code from} as raw-content dictionary, a window that covers
   * both files, and long-distance matching.
   *
   * @param from the old file, the base the patch applies to
   * @param to the new file the patch rebuilds
   * @param patch where the patch is written; replaced if present
   * @param level the zstd level, 1 to 22; higher is smaller and slower
   * @throws IOException if a file cannot be read or written, or either file is 2 GiB or larger
   * @throws IllegalArgumentException if {@code level} is out of range
   */
  public static void create(Path from, Path to, Path patch, int level) throws IOException {
    Objects.requireNonNull(patch, "patch == null");
    if (level < 1 || level > Zstd.maxCompressionLevel()) {
      throw new IllegalArgumentException(
          "level must be 1 to " + Zstd.maxCompressionLevel() + ", got " + level);
    }
    long fromSize = Files.size(from);
    long toSize = Files.size(to);
    if (fromSize >= Integer.MAX_VALUE || toSize >= Integer.MAX_VALUE) {
      throw new IOException("files of 2 GiB or more are not supported: " + from + ", " + to);
    }
    byte[] base = Files.readAllBytes(from);
    byte[] target = Files.readAllBytes(to);
    byte[] frame;
    try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
      ctx.setLevel(level);
      ctx.setChecksum(true);
      ctx.setContentSize(true);
      ctx.setDictID(false);
      // The window must reach from the end of the new bytes back to the start of the base.
      ctx.setWindowLog(windowLog(fromSize + toSize));
      // zstd indexes only the last 2^max(hashLog + 3, chainLog + 1) bytes of a dictionary (32
      // MiB at level 19): larger tables let every byte of a large base be matched. Never below
      // level 19's own (chainLog 24, hashLog 22); zstd shrinks them again for small inputs.
      int indexed = windowLog(fromSize);
      ctx.setChainLog(Math.min(Math.max(indexed - 1, 24), 30));
      ctx.setHashLog(Math.min(Math.max(indexed - 3, 22), 30));
      ctx.setEnableLongDistanceMatching(Zstd.ParamSwitch.ENABLE);
      ctx.loadDict(base, ZstdDictContentType.RAW_CONTENT);
      frame = ctx.compress(target);
    } catch (ZstdException e) {
      throw new IOException("cannot create the patch: " + e.getMessage(), e);
    }
    Files.write(patch, frame);
  }

  /** The smallest window log from 10 to {@value #WINDOW_LOG_MAX} whose window holds {@code n}. */
  static int windowLog(long n) {
    int log = 64 - Long.numberOfLeadingZeros(Math.max(n - 1, 1));
    return Math.min(Math.max(log, 10), WINDOW_LOG_MAX);
  }

  /**
   * Applies {@code patch} to {@code base}, streaming the rebuilt bytes to {@code out}. The frame
   * must declare {@code size} as its content size; more or fewer bytes, a checksum that does not
   * match, trailing bytes after the frame, or a base other than the one the patch was made from
   * fail with an {@link IOException}. The bytes written before a failure are not the new file:
   * the caller must verify what it received (the client SDK checks size and digest).
   *
   * @param base the old file
   * @param patch the patch
   * @param size the size of the new file
   * @param out receives the rebuilt bytes; not closed
   * @throws IOException if the patch does not apply, or a file cannot be read
   */
  public static void apply(Path base, Path patch, long size, OutputStream out)
      throws IOException {
    try (FileChannel baseFile = FileChannel.open(base, StandardOpenOption.READ);
        FileChannel patchFile = FileChannel.open(patch, StandardOpenOption.READ)) {
      if (baseFile.size() >= Integer.MAX_VALUE) {
        throw new IOException("base files of 2 GiB or more are not supported");
      }
      // The patch is read, never mapped: a mapped file that shrinks under the decoder (another
      // process rewriting it) raises SIGBUS, which kills the JVM instead of failing this call.
      ByteBuffer src = ByteBuffer.allocateDirect(CHUNK).limit(0);
      boolean eof = fill(patchFile, src);
      long declared = Zstd.getFrameContentSize(src);
      if (declared != size) {
        throw new IOException(
            declared < 0
                ? "not a zstd frame with a declared size (" + describe(declared) + ")"
                : "patch rebuilds " + declared + " bytes, expected " + size);
      }
      ByteBuffer dict = read(baseFile);
      try (ZstdDictDecompress dictionary =
              new ZstdDictDecompress(dict, true, ZstdDictContentType.RAW_CONTENT);
          ZstdDecompressCtx ctx = new ZstdDecompressCtx()) {
        ctx.setLongMax(WINDOW_LOG_MAX);
        ctx.loadDict(dictionary);
        ByteBuffer dst = ByteBuffer.allocateDirect(CHUNK);
        byte[] chunk = new byte[CHUNK];
        boolean done = false;
        while (!done) {
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while applying a patch");
          }
          if (!src.hasRemaining() && !eof) {
            eof = fill(patchFile, src);
          }
          done = ctx.decompressDirectByteBufferStream(dst, src);
          dst.flip();
          int n = dst.remaining();
          dst.get(chunk, 0, n);
          out.write(chunk, 0, n);
          dst.clear();
          if (!done && n == 0 && !src.hasRemaining() && eof) {
            throw new IOException("patch ends before its frame does");
          }
        }
        long trailing = src.remaining() + (eof ? 0 : patchFile.size() - patchFile.position());
        if (trailing > 0) {
          throw new IOException(trailing + " bytes after the patch's frame");
        }
        // The dictionary is referenced, not copied: it must stay reachable until zstd is done.
        Reference.reachabilityFence(dict);
      } catch (ZstdException e) {
        throw new IOException("patch does not apply: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Reads the whole base into native memory (the decoder refers back to any of it), never
   * mapping it, for the reason the patch is not mapped; a base that shrinks while it is read
   * fails here.
   */
  private static ByteBuffer read(FileChannel file) throws IOException {
    int length = (int) file.size();
    // An empty base is an empty dictionary; zstd wants a buffer all the same.
    ByteBuffer dict;
    try {
      dict = ByteBuffer.allocateDirect(Math.max(length, 1)).limit(length);
    } catch (OutOfMemoryError e) {
      // Direct memory is capped (-XX:MaxDirectMemorySize, by default the heap's maximum).
      throw new IOException("no direct memory for the " + length + "-byte base file", e);
    }
    while (dict.hasRemaining()) {
      if (file.read(dict, dict.position()) < 0) {
        throw new IOException(
            "base file shrank while read: " + dict.position() + " of " + length + " bytes");
      }
    }
    return dict.flip();
  }

  /**
   * Moves the unread bytes of {@code buffer} to its start and reads more from {@code file} after
   * them, at least one unless the file ends; returns whether it ended.
   */
  private static boolean fill(FileChannel file, ByteBuffer buffer) throws IOException {
    buffer.compact();
    try {
      while (buffer.hasRemaining()) {
        int n = file.read(buffer);
        if (n < 0) {
          return true;
        }
        if (n > 0) {
          return false;
        }
      }
      return false;
    } finally {
      buffer.flip();
    }
  }

  private static String describe(long code) {
    // ZSTD_CONTENTSIZE_UNKNOWN is -1, ZSTD_CONTENTSIZE_ERROR -2.
    return code == -1 ? "unknown size" : "no zstd frame header";
  }
}
