package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.UpdateResponse;
import dev.appupdate.protocol.signature.SigningKey;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link UpdateClient#resultOf} sorts an answer received elsewhere exactly as a check sorts its
 * own: the same refusals, with the same codes and reasons, and nothing sent anywhere.
 */
class ResultOfTest {
  private static final String DATA = "my_important_data";
  private static final String BLOB = "my_important_binary_blob";
  private static final String FONTS = "fonts";

  private final SigningKey trusted = Signing.newKey();
  private final SigningKey other = Signing.newKey();

  /** A client of a server that does not exist: resultOf must not need one. */
  private UpdateClient client() {
    return Fixtures.client(
            "http://127.0.0.1:9/",
            new FakeTime(),
            Fixtures.request().installed(FONTS, "7").build())
        .trustedReleaseKeys(trusted.publicKey())
        .build();
  }

  private static AvailableUpdate offer(String type, String version) {
    return Fixtures.offer(
        type, version, Fixtures.payload(10, type.length()), URI.create("http://127.0.0.1:9/f"));
  }

  @Test
  void resultOf_signedUnsignedAndRollback_sortsThemAsACheckDoes() {
    AvailableUpdate good = Signing.signed("your_app", offer(DATA, "1.0"), trusted);
    AvailableUpdate foreign = Signing.signed("your_app", offer(BLOB, "2.0"), other);
    AvailableUpdate rollback = Signing.signed("your_app", offer(FONTS, "6"), trusted);
    UpdateResponse response = UpdateResponse.of(List.of(good, foreign, rollback), "req-1");

    CheckResult result = client().resultOf(response);

    assertThat(result.requestId()).isEqualTo("req-1");
    assertThat(result.offers()).containsExactly(good);
    assertThat(result.refused())
        .extracting(r -> r.offer().updateType(), RefusedOffer::code, RefusedOffer::reason)
        .containsExactly(
            tuple(
                BLOB,
                FailureCode.BAD_SIGNATURE,
                "no signature by a trusted key (key ids "
                    + other.keyId()
                    + "; trusted: "
                    + trusted.keyId()
                    + ")"),
            tuple(FONTS, FailureCode.OTHER, "rollback refused: 6 is not newer than the installed 7"));
    assertThat(result.response()).contains(response);
  }

  @Test
  void resultOf_clientPinningServerKeys_isRefusedSinceItWouldSkipTheResponseSignature() {
    UpdateClient pinned =
        Fixtures.client("http://127.0.0.1:9/", new FakeTime(), Fixtures.request().build())
            .trustedServerKeys(other.publicKey())
            .build();
    UpdateResponse response =
        UpdateResponse.of(List.of(Signing.signed("your_app", offer(DATA, "1.0"), trusted)), "r");

    assertThatThrownBy(() -> pinned.resultOf(response))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a pinned client verifies answers only through check()");
  }

  @Test
  void resultOf_null_isRefused() {
    UpdateClient client = client();

    assertThatThrownBy(() -> client.resultOf(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("response == null");
  }
}
