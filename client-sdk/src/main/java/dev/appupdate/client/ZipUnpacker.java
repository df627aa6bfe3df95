package dev.appupdate.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.text.Normalizer;
import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Unpacks a zip archive into an empty directory, refusing anything that could write outside it or
 * exhaust the disk: names that escape the directory (zip slip) or that Windows reads as devices or
 * streams, links and special files, duplicate names (also differing only in case), encrypted
 * entries, ZIP64, more than {@link #maxEntries} entries, more than {@link #maxTotalSize} bytes
 * unpacked, entries that unpack to more than {@link #maxRatio} times their packed size or that
 * share bytes with another entry (zip bombs), and archives whose local headers or layout disagree
 * with their central directory (each tool would see other files). The checks read the central
 * directory themselves, since {@link ZipFile} does not show whether an entry is a link; the bytes
 * are then counted while they are written, so a declared size cannot lie.
 */
final class ZipUnpacker {
  static final long DEFAULT_MAX_TOTAL_SIZE = 4L << 30;
  static final int DEFAULT_MAX_ENTRIES = 65_534;
  static final int DEFAULT_MAX_RATIO = 200;

  /** Ratios only matter for entries big enough to hurt. */
  private static final long RATIO_THRESHOLD = 1 << 20;

  private static final int EOCD = 0x06054b50;
  private static final int CENTRAL = 0x02014b50;
  private static final int LOCAL = 0x04034b50;
  private static final int UNIX = 3;
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFLNK = 0120000;
  private static final int DOS_REPARSE_POINT = 0x400;
  private static final Pattern WINDOWS_DEVICE =
      Pattern.compile(
          "(?i)(con|prn|aux|nul|conin\\$|conout\\$|com[0-9\u00b9\u00b2\u00b3]"
              + "|lpt[0-9\u00b9\u00b2\u00b3])(\\..*)?");

  final long maxTotalSize;
  final int maxEntries;
  final int maxRatio;

  ZipUnpacker(long maxTotalSize, int maxEntries, int maxRatio) {
    this.maxTotalSize = maxTotalSize;
    this.maxEntries = maxEntries;
    this.maxRatio = maxRatio;
  }

  static ZipUnpacker defaults() {
    return new ZipUnpacker(DEFAULT_MAX_TOTAL_SIZE, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_RATIO);
  }

  /** An entry as the central directory describes it. */
  record Entry(String name, boolean directory, long size, long packedSize, long crc, int mode) {}

  /** Where an entry's local header is, and what it must repeat of the central directory. */
  private record Local(
      String name, byte[] nameBytes, int flags, int method, long offset, long packed) {}

  /**
   * Checks {@code zip} and unpacks it into {@code target}, an existing empty directory. On failure
   * {@code target} may hold part of the files; the caller deletes it.
   *
   * @throws IOException naming the refused entry and why, or if reading or writing failed
   */
  void unpack(Path zip, Path target) throws IOException {
    List<Entry> entries = check(zip);
    Path root = target.toAbsolutePath().normalize();
    long total = 0;
    try (ZipFile file = new ZipFile(zip.toFile(), StandardCharsets.UTF_8)) {
      for (Entry e : entries) {
        Path out = root.resolve(e.name()).normalize();
        if (!out.startsWith(root) || out.equals(root)) {
          throw refused(e.name(), "escapes the directory");
        }
        if (e.directory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        ZipEntry entry = file.getEntry(e.name());
        if (entry == null) {
          throw refused(e.name(), "not readable");
        }
        total += write(file, entry, e, out);
        if (total > maxTotalSize) {
          throw new IOException("archive refused: unpacks to more than " + maxTotalSize + " bytes");
        }
        if ((e.mode() & 0111) != 0) {
          // Scripts shipped in the archive stay runnable; no-op where there is no such bit.
          out.toFile().setExecutable(true, false);
        }
      }
    }
    forceDirectories(root);
  }

  /** Copies one entry, counting and checksumming what is written; returns its size. */
  private static long write(ZipFile file, ZipEntry entry, Entry e, Path out) throws IOException {
    CRC32 crc = new CRC32();
    long written = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = file.getInputStream(entry);
        FileChannel channel =
            FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int n; (n = in.read(buffer)) != -1; ) {
        written += n;
        if (written > e.size()) {
          throw refused(e.name(), "is larger than its declared " + e.size() + " bytes");
        }
        crc.update(buffer, 0, n);
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
        while (b.hasRemaining()) {
          channel.write(b);
        }
      }
      channel.force(true);
    }
    if (written != e.size() || crc.getValue() != e.crc()) {
      throw refused(e.name(), "does not match its declared size and CRC");
    }
    return written;
  }

  /** Reads and checks the central directory; returns its entries in order. */
  List<Entry> check(Path zip) throws IOException {
    try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ)) {
      long size = channel.size();
      int tailLength = (int) Math.min(size, 22 + 0xFFFF);
      ByteBuffer tail = read(channel, size - tailLength, tailLength);
      int eocd = -1;
      for (int i = tailLength - 22; i >= 0; i--) {
        // The comment length must reach exactly to the end, so a signature inside it is skipped.
        if (tail.getInt(i) == EOCD
            && i + 22 + Short.toUnsignedInt(tail.getShort(i + 20)) == tailLength) {
          eocd = i;
          break;
        }
      }
      if (eocd < 0) {
        throw new IOException("archive refused: not a zip file (no end of central directory)");
      }
      int disk = Short.toUnsignedInt(tail.getShort(eocd + 4));
      int cdDisk = Short.toUnsignedInt(tail.getShort(eocd + 6));
      int onDisk = Short.toUnsignedInt(tail.getShort(eocd + 8));
      int count = Short.toUnsignedInt(tail.getShort(eocd + 10));
      long cdSize = Integer.toUnsignedLong(tail.getInt(eocd + 12));
      long cdOffset = Integer.toUnsignedLong(tail.getInt(eocd + 16));
      if (count == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
        throw new IOException("archive refused: ZIP64 archives are not supported");
      }
      if (disk != 0 || cdDisk != 0 || onDisk != count) {
        throw new IOException("archive refused: split archives are not supported");
      }
      if (count > maxEntries) {
        throw new IOException("archive refused: " + count + " entries, more than " + maxEntries);
      }
      long eocdPosition = size - tailLength + eocd;
      // ZipFile reads the central directory that ends at the end record and takes any gap as
      // data prepended to the archive: anything else would have it read entries other than those
      // checked here.
      if (cdOffset + cdSize != eocdPosition) {
        throw new IOException(
            "archive refused: central directory not where the end record says (data before the"
                + " archive or between its parts)");
      }
      ByteBuffer cd = read(channel, cdOffset, (int) cdSize);
      List<Local> locals = new ArrayList<>(count);
      List<Entry> entries = entries(cd, count, locals);
      checkLocalHeaders(channel, locals, cdOffset);
      return entries;
    }
  }

  /**
   * Checks that each local header repeats its central entry's name, flags' encryption bit and
   * method, and that no two entries share bytes: ZipFile takes names from the central directory
   * but other tools read the local headers, so a mismatch shows each tool other files, and
   * entries overlapping in the archive unpack one small archive into many times its size (a
   * bomb no ratio of one entry shows).
   */
  private static void checkLocalHeaders(FileChannel channel, List<Local> locals, long cdOffset)
      throws IOException {
    List<long[]> spans = new ArrayList<>(locals.size());
    for (Local l : locals) {
      if (l.offset() + 30 > cdOffset) {
        throw refused(l.name(), "has its local header out of bounds");
      }
      ByteBuffer h = read(channel, l.offset(), 30);
      int nameLength = Short.toUnsignedInt(h.getShort(26));
      int extraLength = Short.toUnsignedInt(h.getShort(28));
      if (h.getInt(0) != LOCAL
          || Short.toUnsignedInt(h.getShort(8)) != l.method()
          || ((h.getShort(6) ^ l.flags()) & 1) != 0
          || nameLength != l.nameBytes().length
          || l.offset() + 30 + nameLength > cdOffset) {
        throw refused(l.name(), "does not match its local header");
      }
      byte[] localName = new byte[nameLength];
      read(channel, l.offset() + 30, nameLength).get(localName);
      if (!Arrays.equals(localName, l.nameBytes())) {
        throw refused(l.name(), "has another name in its local header");
      }
      long end = l.offset() + 30 + nameLength + extraLength + l.packed();
      if (end > cdOffset) {
        throw refused(l.name(), "has its data out of bounds");
      }
      spans.add(new long[] {l.offset(), end});
    }
    spans.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 1; i < spans.size(); i++) {
      if (spans.get(i)[0] < spans.get(i - 1)[1]) {
        throw new IOException("archive refused: entries overlap in the archive (a zip bomb)");
      }
    }
  }

  private List<Entry> entries(ByteBuffer cd, int count, List<Local> locals) throws IOException {
    List<Entry> entries = new ArrayList<>(count);
    Set<String> names = new HashSet<>();
    long total = 0;
    int p = 0;
    for (int i = 0; i < count; i++) {
      if (p + 46 > cd.limit() || cd.getInt(p) != CENTRAL) {
        throw new IOException("archive refused: malformed central directory at entry " + i);
      }
      int madeBy = Short.toUnsignedInt(cd.getShort(p + 4));
      int flags = Short.toUnsignedInt(cd.getShort(p + 8));
      int method = Short.toUnsignedInt(cd.getShort(p + 10));
      long crc = Integer.toUnsignedLong(cd.getInt(p + 16));
      long packed = Integer.toUnsignedLong(cd.getInt(p + 20));
      long size = Integer.toUnsignedLong(cd.getInt(p + 24));
      int nameLength = Short.toUnsignedInt(cd.getShort(p + 28));
      int extraLength = Short.toUnsignedInt(cd.getShort(p + 30));
      int commentLength = Short.toUnsignedInt(cd.getShort(p + 32));
      int external = cd.getInt(p + 38);
      long localOffset = Integer.toUnsignedLong(cd.getInt(p + 42));
      if (p + 46 + nameLength > cd.limit()) {
        throw new IOException("archive refused: malformed central directory at entry " + i);
      }
      String name = decode(cd, p + 46, nameLength, i);
      byte[] nameBytes = new byte[nameLength];
      cd.get(p + 46, nameBytes);
      p += 46 + nameLength + extraLength + commentLength;

      if ((flags & 1) != 0) {
        throw refused(name, "is encrypted");
      }
      if (method != ZipEntry.STORED && method != ZipEntry.DEFLATED) {
        throw refused(name, "uses compression method " + method);
      }
      if (packed == 0xFFFFFFFFL || size == 0xFFFFFFFFL || localOffset == 0xFFFFFFFFL) {
        throw new IOException("archive refused: ZIP64 archives are not supported");
      }
      int mode = 0;
      if ((madeBy >> 8) == UNIX) {
        mode = external >>> 16;
        int type = mode & S_IFMT;
        if (type == S_IFLNK) {
          throw refused(name, "is a symbolic link");
        }
        if (type != 0 && type != S_IFREG && type != S_IFDIR) {
          throw refused(name, "is a special file");
        }
      } else if ((external & DOS_REPARSE_POINT) != 0) {
        throw refused(name, "is a link (reparse point)");
      }
      checkName(name);
      boolean directory = name.endsWith("/");
      // macOS stores names normalised (NFD) and Windows and macOS ignore case: names equal
      // after both would overwrite each other there.
      String key =
          Normalizer.normalize(directory ? name.substring(0, name.length() - 1) : name, Form.NFC)
              .toLowerCase(Locale.ROOT);
      if (!names.add(key)) {
        throw refused(
            name, "is a duplicate (names are compared ignoring case and Unicode normalisation)");
      }
      if (size > RATIO_THRESHOLD && size > (long) maxRatio * Math.max(packed, 1)) {
        throw refused(
            name, "unpacks " + packed + " bytes to " + size + " (more than " + maxRatio + ":1)");
      }
      total += size;
      if (total > maxTotalSize) {
        throw new IOException("archive refused: unpacks to more than " + maxTotalSize + " bytes");
      }
      entries.add(new Entry(name, directory, size, packed, crc, mode & 07777));
      locals.add(new Local(name, nameBytes, flags, method, localOffset, packed));
    }
    return entries;
  }

  /** Refuses any name that is not a plain relative path on every platform. */
  private static void checkName(String name) throws IOException {
    if (name.isEmpty() || name.startsWith("/")) {
      throw refused(name, "is an absolute path");
    }
    if (name.indexOf('\\') >= 0 || name.indexOf(':') >= 0 || name.indexOf('\0') >= 0) {
      throw refused(name, "contains \\, : or NUL");
    }
    String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        throw refused(name, "escapes the directory");
      }
      if (segment.isEmpty() || segment.equals(".")) {
        throw refused(name, "has an empty or '.' path segment");
      }
      if (segment.endsWith(".")
          || segment.endsWith(" ")
          || WINDOWS_DEVICE.matcher(segment).matches()) {
        throw refused(name, "has a segment Windows cannot store as named");
      }
    }
  }

  private static String decode(ByteBuffer cd, int offset, int length, int index)
      throws IOException {
    byte[] bytes = new byte[length];
    cd.get(offset, bytes);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IOException("archive refused: entry " + index + " has a name that is not UTF-8");
    }
  }

  private static ByteBuffer read(FileChannel channel, long position, int length)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (channel.read(b, position + b.position()) < 0) {
        throw new IOException("archive refused: truncated");
      }
    }
    return b.flip();
  }

  private static IOException refused(String name, String why) {
    return new IOException("archive refused: entry " + quote(name) + " " + why);
  }

  private static String quote(String name) {
    // Names come from the archive: no control characters reach a log or a report.
    StringBuilder s = new StringBuilder("'");
    name.codePoints()
        .limit(200)
        .forEach(c -> s.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return s.append('\'').toString();
  }

  private static void forceDirectories(Path root) throws IOException {
    try (var dirs = Files.walk(root)) {
      for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
        force(d);
      }
    }
  }

  private static void force(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a directory; NTFS journals its entries.
    }
  }
}
