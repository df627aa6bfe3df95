package dev.appupdate.bench;

import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateResponse;
import dev.appupdate.protocol.catalog.Release;
import dev.appupdate.protocol.signature.AcceptSignature;
import dev.appupdate.protocol.signature.ContentDigest;
import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.ReleaseSignatures;
import dev.appupdate.protocol.signature.RequestBinding;
import dev.appupdate.protocol.signature.ResponseSigner;
import dev.appupdate.protocol.signature.ResponseVerifier;
import dev.appupdate.protocol.signature.SignatureHeaders;
import dev.appupdate.protocol.signature.SigningKey;
import dev.appupdate.protocol.signature.TrustedKeys;
import dev.appupdate.protocol.signature.Verification;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.EdECPrivateKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Response signatures (docs/PROTOCOL.md, "Response signatures"): what a signed update check costs
 * the server on top of an unsigned one, with the JDK's Ed25519 and with BouncyCastle's lightweight
 * API, which the reference server uses ({@code ResponseKeys} in server-reference; the signer below
 * is the same code), and what checking it costs the client, which verifies with the JDK.
 *
 * <ul>
 *   <li>{@code responseJdk}, {@code responseBouncyCastle}: {@link ResponseSigner#sign} of the seed
 *       response (200, two offers) with one key: the response's {@code Content-Digest}, the
 *       signature base, one Ed25519 signature and the headers.
 *   <li>{@code ed25519Jdk}, {@code ed25519BouncyCastle}: the signature alone, over that signature
 *       base (480 bytes).
 *   <li>{@code verifyJdk}: {@link ResponseVerifier#verify} of the signed response, as the client
 *       does once per check.
 *   <li>{@code releaseVerifyJdk}: {@link ReleaseSignatures#verify} of one signed catalog release,
 *       what a server started with {@code --trust} spends per release at each catalog load (and
 *       a pinning client per offer).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SignatureBenchmark {
  private static final Instant CREATED = Instant.ofEpochSecond(1767225600);

  private SigningKey jdkKey;
  private SigningKey bcKey;
  private ResponseSigner jdk;
  private ResponseSigner bc;
  private ResponseVerifier verifier;
  private RequestBinding request;
  private byte[] body;
  private byte[] base;
  private Map<String, List<String>> signedHeaders;
  private Release release;
  private TrustedKeys trusted;

  /** Creates a key, both signers, the seed request's binding and the seed response's body. */
  @Setup
  public void setUp() {
    KeyPair pair = Ed25519Keys.generate();
    jdkKey = SigningKey.of(pair);
    bcKey = bouncyCastle(pair);
    jdk = ResponseSigner.create(List.of(jdkKey));
    bc = ResponseSigner.create(List.of(bcKey));
    trusted = TrustedKeys.of(pair.getPublic());
    release = ReleaseSignatures.sign(Seed.releases().get(0), jdkKey);
    verifier = ResponseVerifier.create(trusted);
    String requestDigest =
        ContentDigest.of(Seed.REQUEST.getBytes(StandardCharsets.UTF_8)).headerValue();
    request =
        RequestBinding.of(
            "POST",
            URI.create("https://updates.example.com/v1/update"),
            requestDigest,
            AcceptSignature.create(trusted).nonce());
    body =
        ServerCodec.create()
            .encodeUpdateResponse(UpdateResponse.of(Seed.offers(), Seed.requestId()));
    SignatureHeaders h = bc.sign(request, 200, body, CREATED);
    // The signature base as docs/PROTOCOL.md spells it: the signature in the header must be the
    // signature of exactly these bytes (Ed25519 is deterministic), which the check below ensures.
    base =
        ("\"@status\": 200\n"
                + "\"content-digest\": "
                + h.contentDigest()
                + "\n\"@method\";req: POST\n"
                + "\"@target-uri\";req: "
                + request.targetUri()
                + "\n\"content-digest\";req: "
                + requestDigest
                + "\n\"@signature-params\": "
                + h.signatureInput().substring("appupdate=".length()))
            .getBytes(StandardCharsets.US_ASCII);
    String signature = h.signature();
    byte[] expected =
        Base64.getDecoder()
            .decode(signature.substring("appupdate=:".length(), signature.length() - 1));
    if (!Arrays.equals(jdkKey.sign(base), expected) || !Arrays.equals(bcKey.sign(base), expected)) {
      throw new IllegalStateException("the signature base differs from the one the signer signs");
    }
    signedHeaders =
        Map.of(
            ContentDigest.HEADER, List.of(h.contentDigest()),
            SignatureHeaders.SIGNATURE_INPUT, List.of(h.signatureInput()),
            SignatureHeaders.SIGNATURE, List.of(h.signature()));
    if (!verifyJdk().valid()) {
      throw new IllegalStateException("the benchmark's own signature does not verify");
    }
  }

  /** BouncyCastle's Ed25519 as the reference server signs with it. */
  static SigningKey bouncyCastle(KeyPair pair) {
    byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
    Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(seed, 0);
    key.generatePublicKey();
    return SigningKey.of(
        pair.getPublic(),
        message -> {
          Ed25519Signer signer = new Ed25519Signer();
          signer.init(true, key);
          signer.update(message, 0, message.length);
          return signer.generateSignature();
        });
  }

  /** Signs the seed response with the JDK's Ed25519. */
  @Benchmark
  public SignatureHeaders responseJdk() {
    return jdk.sign(request, 200, body, CREATED);
  }

  /** Signs the seed response with BouncyCastle's Ed25519. */
  @Benchmark
  public SignatureHeaders responseBouncyCastle() {
    return bc.sign(request, 200, body, CREATED);
  }

  /** One Ed25519 signature with the JDK, over a signature base's worth of bytes. */
  @Benchmark
  public byte[] ed25519Jdk() {
    return jdkKey.sign(base);
  }

  /** One Ed25519 signature with BouncyCastle, over a signature base's worth of bytes. */
  @Benchmark
  public byte[] ed25519BouncyCastle() {
    return bcKey.sign(base);
  }

  /** Verifies the signature of one catalog release with the JDK, as {@code --trust} does. */
  @Benchmark
  public Verification releaseVerifyJdk() {
    return ReleaseSignatures.verify(release, trusted);
  }

  /** Verifies the signed seed response as a client does, with the JDK. */
  @Benchmark
  public Verification verifyJdk() {
    return verifier.verify(request, 200, signedHeaders, body);
  }
}
