package dev.appupdate.protocol.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Holds the test vectors of docs/PROTOCOL.md, "Signatures", to what this package computes. */
class SignatureDocsTest {
  private static String vectors;

  @BeforeAll
  static void readVectors() throws IOException {
    String spec = Files.readString(Path.of("../docs/PROTOCOL.md"), StandardCharsets.UTF_8);
    int start = spec.indexOf("### Test vectors\n");
    int end = spec.indexOf("## Forward compatibility\n");
    assertThat(start).as("Test vectors in docs/PROTOCOL.md").isPositive().isLessThan(end);
    vectors = spec.substring(start, end);
  }

  /** The content of the fenced block that follows the first occurrence of {@code after}. */
  private static String blockAfter(String after) {
    int at = vectors.indexOf(after);
    assertThat(at).as("text %s", after).isNotNegative();
    int open = vectors.indexOf("```", at);
    int contentStart = vectors.indexOf('\n', open) + 1;
    int close = vectors.indexOf("\n```", contentStart);
    return vectors.substring(contentStart, close);
  }

  @Test
  void keyPair_isTheVectorKeyPair() {
    assertThat(blockAfter("A key pair"))
        .isEqualTo(Vectors.PRIVATE_PEM + Vectors.PUBLIC_PEM.strip());
    assertThat(vectors).contains("its key id is\n`" + Vectors.KEY_ID + "`");
  }

  @Test
  void release_canonicalBytesAndSignature_areWhatThisLibraryComputes() {
    String hex = blockAfter("Its canonical bytes").replace("\n", "");

    assertThat(hex).isEqualTo(Vectors.CANONICAL_HEX);
    assertThat(blockAfter("Its signature:"))
        .isEqualTo(
            "{\"key_id\": \""
                + Vectors.KEY_ID
                + "\", \"signature\": \""
                + ReleaseSignatures.sign(Vectors.release(), Vectors.signingKey())
                    .signatures()
                    .get(0)
                    .signature()
                + "\"}");
    assertThat(vectors).contains("`" + Vectors.HASH + "`");
  }

  @Test
  void response200_bodyBaseAndHeaders_areWhatThisLibraryComputes() {
    SignatureHeaders h =
        ResponseSigner.create(List.of(Vectors.signingKey()))
            .sign(
                Vectors.request(),
                200,
                Vectors.RESPONSE_BODY,
                java.time.Instant.ofEpochSecond(Vectors.CREATED));

    assertThat(blockAfter("answers `200` with this body"))
        .isEqualTo(new String(Vectors.RESPONSE_BODY, StandardCharsets.UTF_8));
    assertThat(blockAfter("The signature base")).isEqualTo(Vectors.BASE_200);
    assertThat(blockAfter("and the response's signature headers"))
        .isEqualTo(
            "Content-Digest: "
                + h.contentDigest()
                + "\n"
                + "Signature-Input: "
                + h.signatureInput()
                + "\n"
                + "Signature: "
                + h.signature());
  }

  @Test
  void response204_baseAndHeaders_areWhatThisLibraryComputes() {
    SignatureHeaders h =
        ResponseSigner.create(List.of(Vectors.signingKey()))
            .sign(
                Vectors.request(),
                204,
                new byte[0],
                java.time.Instant.ofEpochSecond(Vectors.CREATED));

    assertThat(blockAfter("the base would be")).isEqualTo(Vectors.BASE_204);
    assertThat(blockAfter("with no `Content-Digest` header and the signature"))
        .isEqualTo("Signature-Input: " + h.signatureInput() + "\nSignature: " + h.signature());
  }

  @Test
  void request_acceptSignatureAndDigest_areWhatThisLibraryComputes() throws IOException {
    String spec = Files.readString(Path.of("../docs/PROTOCOL.md"), StandardCharsets.UTF_8);

    assertThat(spec)
        .contains(
            "Accept-Signature: "
                + AcceptSignature.of(Vectors.NONCE, List.of(Vectors.KEY_ID)).headerValue()
                + "\n")
        .contains("`" + new String(Vectors.REQUEST_BODY, StandardCharsets.UTF_8) + "`")
        .contains("`Content-Digest: " + ContentDigest.of(Vectors.REQUEST_BODY).headerValue() + "`")
        .contains("nonce `" + Vectors.NONCE + "`");
  }
}
