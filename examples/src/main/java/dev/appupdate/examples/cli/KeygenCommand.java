package dev.appupdate.examples.cli;

import dev.appupdate.protocol.signature.Ed25519Keys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code appupdate keygen}: a new Ed25519 key pair for signing releases ({@code catalog sign}) or
 * update responses (the reference server's {@code --response-key}), written to two new files. The
 * key never appears on the command line or on screen; only its id is printed.
 */
@CommandLine.Command(
    name = "keygen",
    header = "write a new Ed25519 key pair for signing releases or responses",
    customSynopsis = "appupdate keygen --private FILE --public FILE",
    description = {
      "Generates an Ed25519 key pair and writes the private key as PKCS#8 PEM, readable by"
          + " its owner only, and the public key as SubjectPublicKeyInfo PEM, then prints the"
          + " key id (16 hex digits) that names the key in signatures.",
      "",
      "Neither file may exist: an existing key is never overwritten. Either both files are"
          + " written or neither is.",
      "",
      "A release key signs catalogs ('appupdate catalog sign'): keep its private key"
          + " offline, never on the update server. Its public key goes to whoever verifies:"
          + " the applications that pin it, 'appupdate catalog validate --trust', an update"
          + " server started with --trust. A key made the same way signs update responses"
          + " when given to the server as --response-key."
    },
    exitCodeList = {
      "0:both files written; the key id printed",
      "1:a file exists or could not be written; nothing was written",
      "2:usage error: a missing option, both naming the same file, an unknown option"
    },
    footerHeading = "%nExample:%n",
    footer = "  appupdate keygen --private release.key --public release.pub")
final class KeygenCommand implements Command {
  private final PrintStream out;
  private final PrintStream err;

  @Option(
      names = "--private",
      paramLabel = "FILE",
      required = true,
      order = 1,
      description = "where to write the private key; must not exist")
  private String privateName;

  @Option(
      names = "--public",
      paramLabel = "FILE",
      required = true,
      order = 2,
      description = "where to write the public key; must not exist")
  private String publicName;

  private Path privateFile;
  private Path publicFile;

  KeygenCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    privateFile = Usage.path("--private", privateName, problems);
    publicFile = Usage.path("--public", publicName, problems);
    if (privateFile != null
        && publicFile != null
        && privateFile
            .toAbsolutePath()
            .normalize()
            .equals(publicFile.toAbsolutePath().normalize())) {
      problems.add("--private and --public name the same file, " + Usage.quote(privateName));
    }
    return problems;
  }

  @Override
  public int run() {
    KeyPair pair = Ed25519Keys.generate();
    try {
      Ed25519Keys.write(pair, privateFile, publicFile);
    } catch (FileAlreadyExistsException e) {
      err.println(
          "appupdate keygen: "
              + e.getFile()
              + " exists; a key file is never overwritten (nothing was written)");
      return Exit.FAILED;
    } catch (IOException e) {
      err.println(
          "appupdate keygen: cannot write "
              + privateFile
              + " and "
              + publicFile
              + ": "
              + describe(e)
              + " (nothing was written)");
      return Exit.FAILED;
    }
    out.println(Ed25519Keys.keyId(pair.getPublic()));
    return Exit.OK;
  }

  private String describe(IOException e) {
    // The files are written under temporary names first, so the exception names neither.
    for (Path file : new Path[] {privateFile, publicFile}) {
      Path dir = file.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir)) {
        return "no directory " + dir;
      }
    }
    return Failures.describe(e);
  }
}
