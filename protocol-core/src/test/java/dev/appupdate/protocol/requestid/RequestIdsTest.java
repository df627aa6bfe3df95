package dev.appupdate.protocol.requestid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.Problem;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.catalog.Release;
import dev.appupdate.protocol.requestid.InvalidRequestIdException.Kind;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final Duration RETENTION = Duration.ofDays(30);
  private static final String HASH = "ab".repeat(64);

  private final byte[] key = filledKey((byte) 7);
  private final RequestIds ids =
      RequestIds.create(key, Clock.fixed(NOW, ZoneOffset.UTC), RETENTION);

  private static byte[] filledKey(byte value) {
    byte[] k = new byte[RequestIds.KEY_LENGTH];
    Arrays.fill(k, value);
    return k;
  }

  private static AvailableUpdate offer(String type, String version) {
    return AvailableUpdate.builder()
        .updateType(type)
        .url(URI.create("https://example.com/" + type))
        .hashFunction(HashFunction.SHA512)
        .hashValue(HASH)
        .size(10)
        .version(version)
        .build();
  }

  private static List<AvailableUpdate> demoOffers() {
    return List.of(offer("my_important_data", "1.0"), offer("my_important_binary_blob", "2.0"));
  }

  @Test
  void verify_issuedId_returnsProductTimesAndOfferCount() {
    String id = ids.issue("your_app", demoOffers());

    RequestIdClaims claims = ids.verify(id);

    assertThat(claims.requestId()).isEqualTo(id);
    assertThat(claims.product()).isEqualTo("your_app");
    assertThat(claims.issuedAt()).isEqualTo(NOW);
    assertThat(claims.expiresAt()).isEqualTo(NOW.plus(RETENTION));
    assertThat(claims.offerCount()).isEqualTo(2);
  }

  @Test
  void issueAndVerify_fromManyThreadsAtOnce_allVerifyWithTheirOwnOffers() throws Exception {
    int threads = 8;
    ExecutorService pool =
        Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        String version = (t + 1) + ".0";
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  int verified = 0;
                  for (int i = 0; i < 500; i++) {
                    String id = ids.issue("your_app", List.of(offer("blocklist", version)));
                    RequestIdClaims claims = ids.verify(id);
                    if (claims.offered("blocklist", version)
                        && !claims.offered("blocklist", version + ".1")) {
                      verified++;
                    }
                  }
                  return verified;
                }));
      }
      start.countDown();
      for (Future<Integer> r : results) {
        assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(500);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void issue_demoResponse_is70UrlSafeCharacters() {
    String id = ids.issue("your_app", demoOffers());

    assertThat(id).hasSize(70).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void issue_sameInputsTwice_givesDistinctIds() {
    assertThat(ids.issue("your_app", demoOffers()))
        .isNotEqualTo(ids.issue("your_app", demoOffers()));
  }

  @Test
  void offered_offeredPairsOnly() {
    RequestIdClaims claims = ids.verify(ids.issue("your_app", demoOffers()));

    assertThat(claims.offered("my_important_data", "1.0")).isTrue();
    assertThat(claims.offered("my_important_binary_blob", "2.0")).isTrue();
    assertThat(claims.offered("my_important_data", "2.0")).isFalse();
    assertThat(claims.offered("my_important_data", "1.0.1")).isFalse();
    assertThat(claims.offered("my_important_data", "1.0pre")).isFalse();
    assertThat(claims.offered("blocklist", "1.0")).isFalse();
  }

  @Test
  void offered_equalVersionSpelledDifferently_matches() {
    RequestIdClaims claims =
        ids.verify(
            ids.issue(
                "your_app",
                List.of(offer("my_important_data", "1.0"), offer("blocklist", "2.0+"))));

    assertThat(claims.offered("my_important_data", "1.0.0")).isTrue();
    assertThat(claims.offered("my_important_data", "01")).isTrue();
    assertThat(claims.offered("my_important_data", "1")).isTrue();
    assertThat(claims.offered("blocklist", "2.1pre")).isTrue();
    assertThat(claims.offered("blocklist", "2.1pre0")).isTrue();
    assertThat(claims.offered("blocklist", "2.1")).isFalse();
  }

  @Test
  void offered_notAVersion_isRefused() {
    RequestIdClaims claims = ids.verify(ids.issue("your_app", demoOffers()));

    assertThatThrownBy(() -> claims.offered("my_important_data", "1.0 beta"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("version must hold only printable ASCII characters");
  }

  @Test
  void offeredUpdateType_tellsWrongVersionFromWrongType() {
    RequestIdClaims claims = ids.verify(ids.issue("your_app", demoOffers()));

    assertThat(claims.offeredUpdateType("my_important_data")).isTrue();
    assertThat(claims.offeredUpdateType("blocklist")).isFalse();
  }

  @Test
  void offered_tagsAreBoundToTheirId() {
    RequestIds other = ids;
    RequestIdClaims withBlob = other.verify(other.issue("your_app", demoOffers()));
    RequestIdClaims withoutBlob =
        other.verify(other.issue("your_app", List.of(offer("my_important_data", "1.0"))));

    assertThat(withBlob.offered("my_important_binary_blob", "2.0")).isTrue();
    assertThat(withoutBlob.offered("my_important_binary_blob", "2.0")).isFalse();
  }

  @Test
  void verify_noOffers_isValidButOffersNothing() {
    RequestIdClaims claims = ids.verify(ids.issue("your_app", List.of()));

    assertThat(claims.offerCount()).isZero();
    assertThat(claims.offered("my_important_data", "1.0")).isFalse();
  }

  @Test
  void verify_flippedByteAnywhere_isForged() {
    String id = ids.issue("your_app", demoOffers());
    byte[] token = Base64.getUrlDecoder().decode(id);

    for (int i = 1; i < token.length; i++) {
      if (i == 14 || i == 14 + 1 + 8) {
        continue; // the product and offer counts: changing them changes the layout (malformed)
      }
      byte[] altered = token.clone();
      altered[i] ^= 0x01;
      String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
      assertThatThrownBy(() -> ids.verify(forged))
          .as("byte %d", i)
          .isInstanceOfSatisfying(
              InvalidRequestIdException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FORGED))
          .hasMessageContaining("MAC does not match this server's key");
    }
  }

  @Test
  void verify_idIssuedUnderAnotherKey_isForged() {
    RequestIds otherKey =
        RequestIds.create(filledKey((byte) 8), Clock.fixed(NOW, ZoneOffset.UTC), RETENTION);
    String id = otherKey.issue("your_app", demoOffers());

    assertThatThrownBy(() -> ids.verify(id))
        .isInstanceOfSatisfying(
            InvalidRequestIdException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FORGED));
  }

  @Test
  void verify_sameKeyOtherInstance_accepts() {
    RequestIds replica = RequestIds.create(key, Clock.fixed(NOW, ZoneOffset.UTC), RETENTION);

    assertThat(replica.verify(ids.issue("your_app", demoOffers())).product()).isEqualTo("your_app");
  }

  @Test
  void verify_afterRetention_isExpiredNamingTimes() {
    String id = ids.issue("your_app", demoOffers());
    RequestIds later =
        RequestIds.create(
            key, Clock.fixed(NOW.plus(RETENTION).plusSeconds(1), ZoneOffset.UTC), RETENTION);

    assertThatThrownBy(() -> later.verify(id))
        .isInstanceOfSatisfying(
            InvalidRequestIdException.class, e -> assertThat(e.kind()).isEqualTo(Kind.EXPIRED))
        .hasMessage(
            "request_id expired at 2025-03-31T12:00:00Z: it was issued at 2025-03-01T12:00:00Z"
                + " and request ids stay valid for PT720H");
  }

  @Test
  void verify_atLastValidInstant_accepts() {
    String id = ids.issue("your_app", demoOffers());
    RequestIds later =
        RequestIds.create(key, Clock.fixed(NOW.plus(RETENTION), ZoneOffset.UTC), RETENTION);

    assertThat(later.verify(id).product()).isEqualTo("your_app");
  }

  @Test
  void verify_garbage_isMalformedWithReason() {
    assertMalformed("", "it is empty");
    assertMalformed("xyz3", "too short for a request id");
    assertMalformed("abc.def", "holds \".\" at offset 3, outside base64url");
    assertMalformed("A".repeat(201), "201 characters, more than 200");
    assertMalformed("AAAAA", "not valid base64url");
  }

  @Test
  void verify_unknownFormatVersion_isMalformed() {
    byte[] token = Base64.getUrlDecoder().decode(ids.issue("your_app", demoOffers()));
    token[0] = 3;

    assertMalformed(
        Base64.getUrlEncoder().withoutPadding().encodeToString(token), "unknown format version 3");
  }

  @Test
  void verify_truncatedId_isMalformed() {
    byte[] token = Base64.getUrlDecoder().decode(ids.issue("your_app", demoOffers()));
    byte[] shorter = Arrays.copyOf(token, token.length - 6);

    assertMalformed(
        Base64.getUrlEncoder().withoutPadding().encodeToString(shorter),
        "its size does not match the 2 offers it declares");
  }

  @Test
  void verify_nonCanonicalSpelling_isMalformed() {
    String id = ids.issue("your_app", demoOffers()); // 52 bytes: the last character carries 2 bits
    char last = id.charAt(id.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1); // differs only in an unused bit

    assertMalformed(id.substring(0, id.length() - 1) + sibling, "not canonical base64url");
  }

  @Test
  void issue_tenOffersForFortyCharacterProduct_staysUnder200() {
    List<AvailableUpdate> offers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      offers.add(offer("update_type_number_" + i, "100.200.300." + i));
    }
    String id = ids.issue("p".repeat(40), offers);

    assertThat(id.length()).isLessThan(200).isEqualTo(176);
    assertThat(ids.verify(id).offered("update_type_number_9", "100.200.300.9")).isTrue();
  }

  @Test
  void issue_atTheLimit_isAtMost198Characters() {
    List<AvailableUpdate> offers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      offers.add(offer("t" + i, "1"));
    }
    String id = ids.issue("p".repeat(44), offers); // 44 + 6 * 12 = 116

    assertThat(id).hasSize(RequestIds.MAX_LENGTH);
  }

  @Test
  void issue_overTheLimit_refusesNamingTheBudget() {
    List<AvailableUpdate> offers = new ArrayList<>();
    for (int i = 0; i < 13; i++) {
      offers.add(offer("t" + i, "1"));
    }

    assertThatThrownBy(() -> ids.issue("p".repeat(40), offers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a request id for product "
                + "p".repeat(40)
                + " with 13 offers would be 200"
                + " characters, more than the limit of 198: the product name's length plus 6 per"
                + " offer must be at most 116, got 118");
  }

  @Test
  void issue_duplicateUpdateType_refuses() {
    assertThatThrownBy(() -> ids.issue("your_app", List.of(offer("a", "1"), offer("a", "2"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("update_type a is offered twice");
  }

  @Test
  void issue_invalidProduct_refuses() {
    assertThatThrownBy(() -> ids.issue("your app", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("product: must start with a letter or digit");
  }

  @Test
  void create_shortKeyOrNonPositiveRetention_refuses() {
    Clock clock = Clock.systemUTC();
    assertThatThrownBy(() -> RequestIds.create(new byte[16], clock, RETENTION))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must be at least 32 bytes, got 16");
    assertThatThrownBy(() -> RequestIds.create(key, clock, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retention must be positive, got PT0S");
  }

  @Test
  void create_retentionOverTenYears_refusesNamingTheLimit() {
    Clock clock = Clock.systemUTC();

    assertThatThrownBy(() -> RequestIds.create(key, clock, Duration.ofDays(3651)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retention must be at most 3650 days (about ten years), got PT87624H");
    assertThatThrownBy(() -> RequestIds.create(key, clock, Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("retention must be at most 3650 days");
  }

  @Test
  void create_tenYearRetention_issuesAndVerifies() {
    RequestIds longLived =
        RequestIds.create(key, Clock.fixed(NOW, ZoneOffset.UTC), RequestIds.MAX_RETENTION);

    RequestIdClaims claims = longLived.verify(longLived.issue("your_app", demoOffers()));

    assertThat(claims.expiresAt()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
  }

  @Test
  void maxOffers_isWhatIssueAcceptsForTheProduct() {
    assertThat(RequestIds.maxOffers("your_app")).isEqualTo(18);
    assertThat(RequestIds.maxOffers("p".repeat(40))).isEqualTo(12);
    assertThat(RequestIds.maxOffers("p".repeat(44))).isEqualTo(12);
    assertThat(RequestIds.maxOffers("p".repeat(110))).isEqualTo(1);
    assertThat(RequestIds.maxOffers("p".repeat(111))).isZero();
    assertThat(RequestIds.maxOffers("p".repeat(128))).isZero();

    for (String product : List.of("your_app", "p".repeat(40), "p".repeat(110))) {
      List<AvailableUpdate> fits = new ArrayList<>();
      for (int i = 0; i < RequestIds.maxOffers(product); i++) {
        fits.add(offer("t" + i, "1"));
      }
      assertThat(ids.verify(ids.issue(product, fits)).offerCount()).isEqualTo(fits.size());
      fits.add(offer("one_more", "1"));
      assertThatThrownBy(() -> ids.issue(product, fits))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("more than the limit of 198");
    }
  }

  @Test
  void maxOffers_invalidProduct_refuses() {
    assertThatThrownBy(() -> RequestIds.maxOffers("your app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("product: must start with a letter or digit");
  }

  @Test
  void create_copiesTheKey() {
    byte[] mutable = filledKey((byte) 7);
    RequestIds copy = RequestIds.create(mutable, Clock.fixed(NOW, ZoneOffset.UTC), RETENTION);
    Arrays.fill(mutable, (byte) 0);

    assertThat(ids.verify(copy.issue("your_app", demoOffers())).product()).isEqualTo("your_app");
  }

  @Test
  void newKey_is32RandomBytes() {
    assertThat(RequestIds.newKey()).hasSize(32).isNotEqualTo(RequestIds.newKey());
  }

  private void assertMalformed(String id, String reason) {
    assertThatThrownBy(() -> ids.verify(id))
        .isInstanceOfSatisfying(
            InvalidRequestIdException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED))
        .hasMessageStartingWith("request_id is malformed: ")
        .hasMessageContaining(reason);
  }

  // ---- checking a catalog and a report against the request-id format ----

  private static Release release(String product, String type) {
    return Release.builder()
        .product(product)
        .updateType(type)
        .version("1.0")
        .url("files/" + type)
        .hashFunction(HashFunction.SHA512)
        .hashValue(HASH)
        .size(1)
        .build();
  }

  @Test
  void checkCatalog_productWithAsManyUpdateTypesAsAnIdCanName_passes() {
    List<Release> releases = new ArrayList<>();
    for (int i = 0; i < RequestIds.maxOffers("your_app"); i++) {
      releases.add(release("your_app", "type" + i));
    }

    RequestIds.checkCatalog(Catalog.of(releases));
  }

  @Test
  void checkCatalog_oneUpdateTypeTooMany_namesTheReleaseThatBringsIt() {
    List<Release> releases = new ArrayList<>();
    releases.add(release("other", "a"));
    for (int i = 0; i <= RequestIds.maxOffers("your_app"); i++) {
      releases.add(release("your_app", "type" + i));
    }

    assertThatThrownBy(() -> RequestIds.checkCatalog(Catalog.of(releases)))
        .isInstanceOfSatisfying(
            CatalogException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .hasToString(
                        "releases[19].update_type: product your_app has 19 update types, more"
                            + " than the 18 that one request id can name for it: the product"
                            + " name's length (8) plus 6 per update type must be at most 116"));
  }

  private static CompletionReport report(String id, String... typeVersionPairs) {
    Map<String, Outcome> updates = new LinkedHashMap<>();
    for (int i = 0; i < typeVersionPairs.length; i += 2) {
      updates.put(typeVersionPairs[i], Outcome.success(typeVersionPairs[i + 1]));
    }
    return CompletionReport.of(id, updates);
  }

  @Test
  void notOffered_everyEntryOffered_isEmpty() {
    String id = ids.issue("your_app", demoOffers());

    assertThat(
            ids.verify(id)
                .notOffered(report(id, "my_important_data", "1.0.0", "my_important_binary_blob", "2")))
        .isEmpty();
  }

  @Test
  void notOffered_wrongVersionAndUnknownType_namesEachEntry() {
    String id = ids.issue("your_app", demoOffers());

    assertThat(ids.verify(id).notOffered(report(id, "my_important_data", "1.1", "org.blocklist", "1")))
        .containsExactly(
            new FieldError(
                "updates.my_important_data",
                "version 1.1 of my_important_data was not offered under this request_id"),
            new FieldError(
                "updates[\"org.blocklist\"]",
                "update_type org.blocklist was not offered under this request_id"));
  }

  @Test
  void notOffered_moreEntriesThanOffers_isRefusedWholeWithoutNamingEntries() {
    String id = ids.issue("your_app", List.of(offer("my_important_data", "1.0")));

    assertThat(ids.verify(id).notOffered(report(id, "my_important_data", "1.0", "b", "1")))
        .containsExactly(
            new FieldError(
                "updates", "the report names 2 updates, but only 1 was offered under this request_id"));
  }

  @Test
  void notOffered_reportOfAnotherId_isMisuse() {
    String id = ids.issue("your_app", demoOffers());
    String other = ids.issue("your_app", demoOffers());

    assertThatThrownBy(() -> ids.verify(id).notOffered(report(other, "my_important_data", "1.0")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void checkOffered_everyEntryOffered_isEmpty() {
    String id = ids.issue("your_app", demoOffers());

    assertThat(ids.verify(id).checkOffered(report(id, "my_important_data", "1"))).isEmpty();
  }

  @Test
  void checkOffered_oneEntryNotOffered_is422WhoseDetailIsItsMessage() {
    String id = ids.issue("your_app", demoOffers());

    Problem p = ids.verify(id).checkOffered(report(id, "my_important_data", "1.1")).orElseThrow();

    assertThat(p.status()).isEqualTo(422);
    assertThat(p.title()).isEqualTo("Unprocessable Content");
    assertThat(p.detail())
        .isEqualTo("version 1.1 of my_important_data was not offered under this request_id");
    assertThat(p.errors()).hasSize(1);
  }

  @Test
  void checkOffered_severalEntriesNotOffered_countsThemAndListsEach() {
    String id = ids.issue("your_app", demoOffers());
    CompletionReport report = report(id, "my_important_data", "1.1", "org.blocklist", "1");

    Problem p = ids.verify(id).checkOffered(report).orElseThrow();

    assertThat(p.detail()).isEqualTo("2 reported updates were not offered under this request_id");
    assertThat(p.errors()).isEqualTo(ids.verify(id).notOffered(report));
  }

  @Test
  void invalidRequestIdProblem_is422NamingRequestId() {
    InvalidRequestIdException e =
        catchThrowableOfType(InvalidRequestIdException.class, () -> ids.verify("xyz321"));

    Problem p = e.problem();

    assertThat(p.status()).isEqualTo(422);
    assertThat(p.title()).isEqualTo("Unprocessable Content");
    assertThat(p.detail()).isEqualTo(e.getMessage()).startsWith("request_id is malformed");
    assertThat(p.errors()).containsExactly(new FieldError("request_id", e.getMessage()));
  }

  @Test
  void issue_withInstallationId_carriesAStablePseudonymousKey() {
    String first = ids.issue("your_app", demoOffers(), "install-abc");
    String second = ids.issue("your_app", demoOffers(), "install-abc");
    String other = ids.issue("your_app", demoOffers(), "install-xyz");

    RequestIdClaims claims = ids.verify(first);

    assertThat(first).hasSize(80).matches("[A-Za-z0-9_-]+");
    assertThat(claims.installation()).get().asString().hasSize(11).doesNotContain("install");
    assertThat(ids.verify(second).installation()).isEqualTo(claims.installation());
    assertThat(ids.verify(other).installation()).isNotEqualTo(claims.installation());
    assertThat(claims.offered("my_important_data", "1.0")).isTrue();
    assertThat(claims.offerCount()).isEqualTo(2);
  }

  @Test
  void issue_installationKeyUnderAnotherServerKey_differs() {
    RequestIds otherServer =
        RequestIds.create(filledKey((byte) 8), Clock.fixed(NOW, ZoneOffset.UTC), RETENTION);

    assertThat(otherServer.verify(otherServer.issue("your_app", List.of(), "i")).installation())
        .isNotEqualTo(ids.verify(ids.issue("your_app", List.of(), "i")).installation());
  }

  @Test
  void issue_withoutInstallationIdOrWithoutRoom_issuesVersion1WithoutKey() {
    String none = ids.issue("your_app", demoOffers(), null);
    List<AvailableUpdate> full = new ArrayList<>();
    for (int i = 0; i < RequestIds.maxOffers("your_app"); i++) {
      full.add(offer("type" + i, "1.0"));
    }
    String noRoom = ids.issue("your_app", full, "install-abc");

    assertThat(none).hasSize(70);
    assertThat(ids.verify(none).installation()).isEmpty();
    assertThat(ids.verify(noRoom).installation()).isEmpty();
    assertThat(noRoom.length()).isLessThanOrEqualTo(RequestIds.MAX_LENGTH);
    assertThat(Base64.getUrlDecoder().decode(noRoom)[0]).isEqualTo((byte) 1);
  }

  @Test
  void verify_version2WithItsInstallationKeyAltered_isForged() {
    byte[] token = Base64.getUrlDecoder().decode(ids.issue("your_app", demoOffers(), "a"));
    token[token.length - RequestIds.MAC_BYTES - 1] ^= 1;
    String altered = Base64.getUrlEncoder().withoutPadding().encodeToString(token);

    assertThat(catchThrowableOfType(InvalidRequestIdException.class, () -> ids.verify(altered)))
        .extracting(InvalidRequestIdException::kind)
        .isEqualTo(Kind.FORGED);
  }

  @Test
  void verify_version2TokenCutShort_isMalformed() {
    byte[] token = Base64.getUrlDecoder().decode(ids.issue("your_app", demoOffers(), "a"));
    String cut =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(Arrays.copyOf(token, token.length - RequestIds.INSTALLATION_BYTES));

    assertThat(catchThrowableOfType(InvalidRequestIdException.class, () -> ids.verify(cut)))
        .extracting(InvalidRequestIdException::kind)
        .isEqualTo(Kind.MALFORMED);
  }
}
