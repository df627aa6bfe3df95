package dev.appupdate.protocol.signature;

import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.catalog.Release;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;

/**
 * The fixed test vectors of docs/PROTOCOL.md, "Signatures": a key pair made once with {@code
 * openssl genpkey -algorithm ed25519}, a release, and a signed 200 and 204 response. The expected
 * values were computed independently with Python's {@code cryptography} package.
 */
final class Vectors {
  private Vectors() {}

  static final String PRIVATE_PEM =
      "-----BEGIN PRIVATE KEY-----\n"
          + "MC4CAQAwBQYDK2VwBCIEIBEmjiq2nOsGLlU+ffphUHZBxmn1twYEgGol6xXtFeyA\n"
          + "-----END PRIVATE KEY-----\n";

  static final String PUBLIC_PEM =
      "-----BEGIN PUBLIC KEY-----\n"
          + "MCowBQYDK2VwAyEAGX6fyCRJVjbFEDQYSEDUUWGn7UxYpAnk0mUnbGk0OqU=\n"
          + "-----END PUBLIC KEY-----\n";

  static final String KEY_ID = "844f37232d3ae9f3";

  static final String HASH =
      "7d1a35fbd83d09079e7223f1d8b290503f9cab83e7fec2c002f04528c4db6dd036dc22cb9b347d4646c5aaf84"
          + "1824d018077541acc4a92c11937c95327d1fa2a";

  static final String CANONICAL_HEX =
      "6170707570646174652d72656c656173652d7631"
          + "00000008"
          + "796f75725f617070"
          + "00000011"
          + "6d795f696d706f7274616e745f64617461"
          + "00000003"
          + "312e30"
          + "00000006"
          + "736861353132"
          + "00000080"
          + "3764316133356662643833643039303739653732323366316438623239303530336639636162383365"
          + "3766656332633030326630343532386334646236646430333664633232636239623334376434363436"
          + "6335616166383431383234643031383037373534316163633461393263313139333763393533323764"
          + "3166613261"
          + "00000004"
          + "31323334";

  static final String RELEASE_SIGNATURE =
      "zOJgJ82jGBO0xpCFDYSqKQAtbPjQKwAyBbc_erldmZroR_0oKq7zzTl3JQPxAHwc4loupodKUmKbAaTTPbBqCg";

  static Release release() {
    return Release.builder()
        .product("your_app")
        .updateType("my_important_data")
        .version("1.0")
        .url("files/important_data_v1.json")
        .hashFunction(HashFunction.SHA512)
        .hashValue(HASH)
        .size(1234)
        .build();
  }

  static KeyPair keyPair() {
    return new KeyPair(
        Ed25519Keys.parsePublicKey(PUBLIC_PEM), Ed25519Keys.parsePrivateKey(PRIVATE_PEM));
  }

  static SigningKey signingKey() {
    return SigningKey.of(keyPair());
  }

  static TrustedKeys trusted() {
    return TrustedKeys.of(Ed25519Keys.parsePublicKey(PUBLIC_PEM));
  }

  // ---- the response vector ----

  static final byte[] REQUEST_BODY =
      "{\"product\":\"your_app\",\"version\":\"1.0\",\"platform\":\"macOS\",\"locale\":\"de-AT\"}"
          .getBytes(StandardCharsets.UTF_8);

  static final String REQUEST_DIGEST = "sha-256=:sWmNOqYo7exoR8t4Yja3TBc8KC30t6kSs8S8y2ODxnU=:";

  static final String NONCE = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

  static final URI TARGET = URI.create("https://updates.example.com/v1/update");

  static final long CREATED = 1767225600L;

  static final byte[] RESPONSE_BODY =
      ("{\"available_updates\":[{\"update_type\":\"my_important_data\","
              + "\"url\":\"https://updates.example.com/files/important_data_v1.json\","
              + "\"hash_function\":\"sha512\",\"hash_value\":\""
              + HASH
              + "\",\"size\":1234,"
              + "\"version\":\"1.0\",\"signatures\":[{\"key_id\":\""
              + KEY_ID
              + "\","
              + "\"signature\":\""
              + RELEASE_SIGNATURE
              + "\"}]}],"
              + "\"request_id\":"
              + "\"AQBppViYtNu53ro5g7EIeW91cl9hcHACvIQexoBYjAcl9lVMRFuRPtpXKHavyS6TsxfUNQ\"}")
          .getBytes(StandardCharsets.UTF_8);

  static final String RESPONSE_DIGEST = "sha-256=:ZTE0mh4nPm3s2XAeh6HlOE4mNWHwqCMtFNBqyrcGX9s=:";

  static final String PARAMS_TAIL =
      ";created=1767225600;keyid=\"844f37232d3ae9f3\""
          + ";nonce=\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\";alg=\"ed25519\"";

  static final String BASE_200 =
      "\"@status\": 200\n"
          + "\"content-digest\": "
          + RESPONSE_DIGEST
          + "\n"
          + "\"@method\";req: POST\n"
          + "\"@target-uri\";req: https://updates.example.com/v1/update\n"
          + "\"content-digest\";req: "
          + REQUEST_DIGEST
          + "\n"
          + "\"@signature-params\": (\"@status\" \"content-digest\" \"@method\";req"
          + " \"@target-uri\";req \"content-digest\";req)"
          + PARAMS_TAIL;

  static final String SIGNATURE_INPUT_200 =
      "appupdate=(\"@status\" \"content-digest\" \"@method\";req \"@target-uri\";req"
          + " \"content-digest\";req)"
          + PARAMS_TAIL;

  static final String SIGNATURE_200 =
      "appupdate=:zEmUs7E6MGLRhbElYkrxDDEoPueoPXMf2UXBLU87M+ZwcsdBxq1q+OzWOTM4MoVZoEN+0LTgeJ7tWeqy"
          + "ZsZiDA==:";

  static final String BASE_204 =
      "\"@status\": 204\n"
          + "\"@method\";req: POST\n"
          + "\"@target-uri\";req: https://updates.example.com/v1/update\n"
          + "\"content-digest\";req: "
          + REQUEST_DIGEST
          + "\n"
          + "\"@signature-params\": (\"@status\" \"@method\";req \"@target-uri\";req"
          + " \"content-digest\";req)"
          + PARAMS_TAIL;

  static final String SIGNATURE_INPUT_204 =
      "appupdate=(\"@status\" \"@method\";req \"@target-uri\";req \"content-digest\";req)"
          + PARAMS_TAIL;

  static final String SIGNATURE_204 =
      "appupdate=:zOTenKre6u4z1uk3FXggsCFPEJhvUFU6q1oygiqjY076n4SMqR9VXREDzCW+imElHNnReOFkJOlnAr3hu"
          + "xQ3Bg==:";

  static RequestBinding request() {
    return RequestBinding.of("POST", TARGET, REQUEST_DIGEST, NONCE);
  }
}
