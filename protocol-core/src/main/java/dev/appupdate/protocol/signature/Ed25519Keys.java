package dev.appupdate.protocol.signature;

import dev.appupdate.protocol.internal.Fields;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * Ed25519 keys and their files, with the JDK only. A private key file is PKCS#8 PEM ({@code
 * -----BEGIN PRIVATE KEY-----}, RFC 8410), as {@code appupdate keygen} and {@code openssl genpkey
 * -algorithm ed25519} write it; a public key file is SubjectPublicKeyInfo PEM ({@code -----BEGIN
 * PUBLIC KEY-----}). A key is named by its {@linkplain #keyId key id}.
 *
 * <pre>{@code
 * KeyPair pair = Ed25519Keys.generate();
 * Ed25519Keys.write(pair, Path.of("release.key"), Path.of("release.pub")); // private: owner-only
 * String id = Ed25519Keys.keyId(pair.getPublic());                       // "3b2c..." (16 hex)
 *
 * KeyPair signing = Ed25519Keys.readKeyPair(Path.of("release.key"));     // the pipeline's key
 * PublicKey trusted = Ed25519Keys.readPublicKey(Path.of("release.pub")); // the application's pin
 * }</pre>
 */
public final class Ed25519Keys {
  private Ed25519Keys() {}

  private static final String PRIVATE_LABEL = "PRIVATE KEY";
  private static final String PUBLIC_LABEL = "PUBLIC KEY";

  /** Key files are a few hundred bytes; anything far larger is not one. */
  private static final int MAX_FILE_BYTES = 64 * 1024;

  /**
   * Generates a new key pair from the JDK's strong random source.
   *
   * @return the key pair
   */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(Ed25519.ALGORITHM).generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no Ed25519 (Java 15 or later has)", e);
    }
  }

  /**
   * Returns the id of a public key: the first 8 bytes of the SHA-256 of its raw 32 bytes, as 16
   * lower-case hex digits. Catalog signatures, {@code keyid} of response signatures and {@code
   * Accept-Signature} name keys by it.
   *
   * @param key an Ed25519 public key
   * @return 16 lower-case hex digits
   * @throws IllegalArgumentException if {@code key} is not an Ed25519 public key
   */
  public static String keyId(PublicKey key) {
    Objects.requireNonNull(key, "key == null");
    return keyIdOfRaw(Ed25519.rawPublicKey(key));
  }

  static String keyIdOfRaw(byte[] raw) {
    try {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(raw);
      return HexFormat.of().formatHex(sha, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns a public key as SubjectPublicKeyInfo PEM, the content of a public key file: {@code
   * -----BEGIN PUBLIC KEY-----}, the base64 of the 44-byte DER, {@code -----END PUBLIC KEY-----},
   * each line ended by a line feed.
   *
   * @param key an Ed25519 public key
   * @return the PEM text
   * @throws IllegalArgumentException if {@code key} is not an Ed25519 public key
   */
  public static String publicKeyPem(PublicKey key) {
    Objects.requireNonNull(key, "key == null");
    Ed25519.rawPublicKey(key); // checks the type
    return pem(PUBLIC_LABEL, key.getEncoded());
  }

  /** The PKCS#8 PEM of a private key, as {@link #write} stores it. */
  static String privateKeyPem(PrivateKey key) {
    return pem(PRIVATE_LABEL, Ed25519.encodePrivateKey(key));
  }

  private static String pem(String label, byte[] der) {
    String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
  }

  /**
   * Reads a public key from PEM text, such as the content of a public key file that an application
   * embeds.
   *
   * @param pem SubjectPublicKeyInfo PEM of an Ed25519 key
   * @return the public key
   * @throws IllegalArgumentException saying what is wrong: not PEM, a private key or another label,
   *     not base64, or not an Ed25519 key
   */
  public static PublicKey parsePublicKey(String pem) {
    Objects.requireNonNull(pem, "pem == null");
    return Ed25519.decodePublicKey(pemBody(pem, PUBLIC_LABEL));
  }

  /**
   * Reads a public key file.
   *
   * @param file a file holding SubjectPublicKeyInfo PEM of an Ed25519 key
   * @return the public key
   * @throws IOException if the file cannot be read or does not hold such a key, with a message
   *     naming the file and what is wrong
   */
  public static PublicKey readPublicKey(Path file) throws IOException {
    Objects.requireNonNull(file, "file == null");
    String text = readText(file, "public key file");
    try {
      return parsePublicKey(text);
    } catch (IllegalArgumentException e) {
      throw new IOException("public key file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a private key from PKCS#8 PEM text. */
  static PrivateKey parsePrivateKey(String pem) {
    return Ed25519.decodePrivateKey(pemBody(pem, PRIVATE_LABEL));
  }

  /**
   * Reads a private key file and derives its public key. A signing key that others could read or
   * replace is refused rather than used, since anyone who read it could sign releases or answers
   * as this key. On a POSIX file system the file, after resolving symbolic links once to its real
   * path, must be a regular file owned by the current user (the {@code user.name} system property)
   * on which group and others have no permission at all (not even write or execute); the real path
   * is read without following links, and its file key (device and inode) must be the same before
   * and after reading, so that a file swapped in between is refused too.
   *
   * <p>On a file system without POSIX attributes (Windows' NTFS, FAT), none of this is checked:
   * neither owner nor access control lists; only that the file is a regular file and not swapped
   * while read. Protect the file by the file system's own means there.
   *
   * @param file a file holding PKCS#8 PEM of an Ed25519 private key, as {@link #write} creates it
   * @return the private key with its public key
   * @throws IOException if the file cannot be read, is not a regular file, is owned by another
   *     user, gives group or others any permission, changed while read, or does not hold such a
   *     key, with a message naming the file and what to do
   */
  public static KeyPair readKeyPair(Path file) throws IOException {
    Objects.requireNonNull(file, "file == null");
    // Resolved once: every check and the read itself then name the same file, without links.
    Path real = file.toRealPath();
    BasicFileAttributes before = checkPrivateKeyFile(file, real);
    String text;
    try (InputStream in =
        Files.newInputStream(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      text = readText(file, in, "private key file");
    }
    BasicFileAttributes after =
        Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!Objects.equals(before.fileKey(), after.fileKey())) {
      throw new IOException(
          "private key file " + file + " was replaced while it was read: try again, and find out"
              + " who replaces it");
    }
    PrivateKey key;
    try {
      key = parsePrivateKey(text);
    } catch (IllegalArgumentException e) {
      throw new IOException("private key file " + file + ": " + e.getMessage(), e);
    }
    return new KeyPair(publicKey(key), key);
  }

  /** Checks the real path of a key file as {@link #readKeyPair} says; returns its attributes. */
  private static BasicFileAttributes checkPrivateKeyFile(Path file, Path real) throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(real, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    BasicFileAttributes attributes =
        view == null
            ? Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            : view.readAttributes();
    if (!attributes.isRegularFile()) {
      throw new IOException(
          "private key file " + file + " is not a regular file: give the file that holds the key");
    }
    if (view == null) {
      return attributes;
    }
    PosixFileAttributes posix = (PosixFileAttributes) attributes;
    UserPrincipal owner = posix.owner();
    String user = System.getProperty("user.name");
    UserPrincipal me;
    try {
      me = real.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
    } catch (UserPrincipalNotFoundException e) {
      throw new IOException(
          "private key file " + file + ": cannot tell whether it is yours, since the current user "
              + Fields.quote(String.valueOf(user)) + " is unknown to the file system");
    }
    if (!owner.equals(me)) {
      throw new IOException(
          "private key file "
              + file
              + " is owned by "
              + owner.getName()
              + ", not by the current user "
              + user
              + ": whoever owns it can change it or let others read it. Give it to this user"
              + " (chown "
              + user
              + " "
              + file
              + ")");
    }
    Set<PosixFilePermission> perms = posix.permissions();
    EnumSet<PosixFilePermission> ownerOnly =
        EnumSet.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE);
    if (!ownerOnly.containsAll(perms)) {
      throw new IOException(
          "private key file "
              + file
              + " is accessible to group or others ("
              + PosixFilePermissions.toString(perms)
              + "): anyone who can read it can sign as this key, and anyone who can write it can"
              + " make this signer use another. Restrict it (chmod 600 "
              + file
              + "), and replace the key if others may have read it");
    }
    return attributes;
  }

  /** Derives the public key of an Ed25519 private key. */
  static PublicKey publicKey(PrivateKey key) {
    return Ed25519.publicKey(Ed25519.derivePublicKey(Ed25519.seed(key)));
  }

  private static String readText(Path file, String kind) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readText(file, in, kind);
    }
  }

  private static String readText(Path file, InputStream in, String kind) throws IOException {
    byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    if (bytes.length > MAX_FILE_BYTES) {
      throw new IOException(
          kind + " " + file + " is larger than " + MAX_FILE_BYTES + " bytes: not a key file");
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /**
   * Returns the DER inside the one PEM block labelled {@code label}: text before the BEGIN line is
   * ignored (RFC 7468 allows explanations there), after the END line only whitespace may follow.
   */
  static byte[] pemBody(String pem, String label) {
    String begin = "-----BEGIN ";
    int start = pem.indexOf(begin);
    if (start < 0) {
      throw new IllegalArgumentException("not PEM: no -----BEGIN " + label + "----- line");
    }
    int labelEnd = pem.indexOf("-----", start + begin.length());
    if (labelEnd < 0) {
      throw new IllegalArgumentException("not PEM: the BEGIN line does not end with -----");
    }
    String found = pem.substring(start + begin.length(), labelEnd);
    if (!found.equals(label)) {
      String hint =
          found.equals(PRIVATE_LABEL)
              ? ": this is a private key; give the public key file"
              : found.equals(PUBLIC_LABEL)
                  ? ": this is a public key; give the private key file"
                  : found.equals("ENCRYPTED PRIVATE KEY")
                      ? ": encrypted keys are not supported; store the key unencrypted with"
                          + " owner-only permissions"
                      : "";
      throw new IllegalArgumentException(
          "expected " + label + " PEM, got " + Fields.quote(found) + hint);
    }
    int bodyStart = labelEnd + 5;
    String end = "-----END " + label + "-----";
    int bodyEnd = pem.indexOf(end, bodyStart);
    if (bodyEnd < 0) {
      throw new IllegalArgumentException("not PEM: no " + end + " line");
    }
    if (!pem.substring(bodyEnd + end.length()).isBlank()) {
      throw new IllegalArgumentException(
          "more than one PEM block, or text after the " + end + " line");
    }
    StringBuilder base64 = new StringBuilder();
    for (int i = bodyStart; i < bodyEnd; i++) {
      char c = pem.charAt(i);
      if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
        continue;
      }
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '/'
              || c == '=';
      if (!ok) {
        throw new IllegalArgumentException(
            "not PEM: " + StructuredFields.describe(c) + " in the base64 body");
      }
      base64.append(c);
    }
    try {
      return Base64.getDecoder().decode(base64.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not PEM: the body is not valid base64", e);
    }
  }

  /**
   * Writes a key pair to two new files, as {@code appupdate keygen} does. The private key file is
   * created with owner-only permissions (on POSIX file systems, {@code rw-------}), written and
   * forced to disk under a temporary name, then linked into place, so that it never exists half
   * written or readable by others. Neither file may exist: an existing key is never overwritten,
   * since that would lose the key that signed everything so far.
   *
   * @param pair the key pair, as from {@link #generate()}
   * @param privateKeyFile where to write the PKCS#8 PEM private key
   * @param publicKeyFile where to write the SubjectPublicKeyInfo PEM public key
   * @throws FileAlreadyExistsException if either file exists; then neither is written
   * @throws IOException if a file cannot be written; then neither file is left behind
   * @throws IllegalArgumentException if {@code pair} is not an Ed25519 pair whose halves belong
   *     together, or both paths name the same file
   */
  public static void write(KeyPair pair, Path privateKeyFile, Path publicKeyFile)
      throws IOException {
    Objects.requireNonNull(pair, "pair == null");
    Objects.requireNonNull(privateKeyFile, "privateKeyFile == null");
    Objects.requireNonNull(publicKeyFile, "publicKeyFile == null");
    SigningKey.requireMatching(pair);
    if (privateKeyFile
        .toAbsolutePath()
        .normalize()
        .equals(publicKeyFile.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException(
          "private and public key files are the same file: " + privateKeyFile);
    }
    for (Path f : new Path[] {privateKeyFile, publicKeyFile}) {
      if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(
            f.toString(), null, "refusing to overwrite an existing key file");
      }
    }
    byte[] privatePem = privateKeyPem(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII);
    byte[] publicPem = publicKeyPem(pair.getPublic()).getBytes(StandardCharsets.US_ASCII);
    createNew(privateKeyFile, privatePem, true);
    try {
      createNew(publicKeyFile, publicPem, false);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(privateKeyFile);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Creates {@code file} with {@code content}: written and forced under a temporary name in the
   * same directory, then hard-linked into place, which fails if the file exists (exclusive and
   * atomic). Without hard links (some file systems), an atomic rename after a last existence check.
   */
  private static void createNew(Path file, byte[] content, boolean ownerOnly) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    String prefix = "." + file.getFileName() + ".";
    Path tmp =
        posix && ownerOnly
            ? Files.createTempFile(
                dir,
                prefix,
                ".tmp",
                PosixFilePermissions.asFileAttribute(
                    EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)))
            : Files.createTempFile(dir, prefix, ".tmp");
    try {
      if (posix && !ownerOnly) {
        // createTempFile makes owner-only files; a public key is for everyone to read.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      try {
        Files.createLink(file, tmp);
      } catch (UnsupportedOperationException | FileSystemException e) {
        if (e instanceof FileAlreadyExistsException) {
          throw e;
        }
        if (!(e instanceof UnsupportedOperationException)
            && e.getClass() != FileSystemException.class) {
          throw e; // access denied, no such directory: a rename would fail the same way
        }
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
          throw new FileAlreadyExistsException(
              file.toString(), null, "refusing to overwrite an existing key file");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
