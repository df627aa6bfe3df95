package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.client.RangeNegotiation.Verdict;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RangeNegotiationTest {
  private static final long SIZE = 10_000;
  private static final String ETAG = "\"v1\"";
  private static final String DATE = "Tue, 01 Jan 2030 00:00:00 GMT";

  /** The headers of an answer, by lower-case name. */
  private static Map<String, String> headers(String... namesAndValues) {
    Map<String, String> h = new HashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      h.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return h;
  }

  private static Verdict judge(int status, long offset, String validator, String... headers) {
    return RangeNegotiation.judge(status, offset, validator, SIZE, headers(headers)::get);
  }

  @Test
  void requestHeaders_withoutPartialBytes_askForTheWholeUnencodedFile() {
    assertThat(RangeNegotiation.requestHeaders(0, null))
        .containsExactly(Map.entry("Accept-Encoding", "identity"));
  }

  @Test
  void requestHeaders_withPartialBytes_askForTheRestIfTheValidatorStillHolds() {
    assertThat(RangeNegotiation.requestHeaders(4_000, ETAG))
        .containsOnly(
            Map.entry("Accept-Encoding", "identity"),
            Map.entry("Range", "bytes=4000-"),
            Map.entry("If-Range", ETAG));
  }

  @Test
  void judge_wholeFileToAPlainRequest_isWholeFile() {
    assertThat(judge(200, 0, null)).isEqualTo(Verdict.WHOLE_FILE);
  }

  @Test
  void judge_wholeFileToARangeRequest_isWholeFile() {
    assertThat(judge(200, 4_000, ETAG, "etag", "\"v2\"")).isEqualTo(Verdict.WHOLE_FILE);
  }

  @Test
  void judge_exactRestOfTheSameRepresentation_continues() {
    assertThat(
            judge(
                206,
                4_000,
                ETAG,
                "content-range",
                "bytes 4000-9999/10000",
                "content-length",
                "6000",
                "etag",
                ETAG))
        .isEqualTo(Verdict.CONTINUES);
  }

  @Test
  void judge_rangeUnitInAnotherCase_continues() {
    // RFC 9110 14.1: range unit names are case-insensitive.
    assertThat(judge(206, 4_000, ETAG, "content-range", "Bytes 4000-9999/10000", "etag", ETAG))
        .isEqualTo(Verdict.CONTINUES);
    assertThat(RangeNegotiation.contentRangeFits("BYTES 1-1/2", null, 1, 2)).isTrue();
  }

  @Test
  void judge_otherRangeUnit_isAMisfit() {
    assertThat(judge(206, 4_000, ETAG, "content-range", "items 4000-9999/10000"))
        .isEqualTo(Verdict.MISFIT);
  }

  @Test
  void judge_rangeNamingTheSameLastModifiedInAnObsoleteDateFormat_continues() {
    // RFC 9110 5.6.7: recipients accept all three date formats; the same instant is the same date.
    String validator = "Tue, 01 Jan 2030 00:00:00 GMT";

    for (String lastModified :
        new String[] {"Tuesday, 01-Jan-30 00:00:00 GMT", "Tue Jan  1 00:00:00 2030"}) {
      assertThat(
              judge(
                  206,
                  4_000,
                  validator,
                  "content-range",
                  "bytes 4000-9999/10000",
                  "last-modified",
                  lastModified))
          .as(lastModified)
          .isEqualTo(Verdict.CONTINUES);
    }
  }

  @Test
  void judge_restWithUnknownTotalAndNoValidator_continues() {
    assertThat(judge(206, 4_000, ETAG, "content-range", " bytes 4000-9999/* "))
        .isEqualTo(Verdict.CONTINUES);
  }

  @Test
  void judge_rangeThatDoesNotStartAtTheOffset_isAMisfit() {
    assertThat(judge(206, 4_000, ETAG, "content-range", "bytes 3000-9999/10000"))
        .isEqualTo(Verdict.MISFIT);
  }

  @Test
  void judge_rangeThatStopsBeforeTheEnd_isAMisfit() {
    assertThat(judge(206, 4_000, ETAG, "content-range", "bytes 4000-8999/10000"))
        .isEqualTo(Verdict.MISFIT);
  }

  @Test
  void judge_rangeOfAFileOfAnotherSize_isAMisfit() {
    assertThat(judge(206, 4_000, ETAG, "content-range", "bytes 4000-9999/20000"))
        .isEqualTo(Verdict.MISFIT);
  }

  @Test
  void judge_contentLengthOtherThanTheRange_isAMisfit() {
    assertThat(
            judge(
                206,
                4_000,
                ETAG,
                "content-range",
                "bytes 4000-9999/10000",
                "content-length",
                "5999"))
        .isEqualTo(Verdict.MISFIT);
  }

  @Test
  void judge_missingOrMalformedContentRange_isAMisfit() {
    assertThat(judge(206, 4_000, ETAG)).isEqualTo(Verdict.MISFIT);
    assertThat(judge(206, 4_000, ETAG, "content-range", "bytes=4000-9999/10000"))
        .isEqualTo(Verdict.MISFIT);
    assertThat(judge(206, 4_000, ETAG, "content-range", "bytes 4000-9999/10000, 0-1/10000"))
        .isEqualTo(Verdict.MISFIT);
  }

  @Test
  void judge_rangeNamingAnotherEtag_isAMisfit() {
    assertThat(judge(206, 4_000, ETAG, "content-range", "bytes 4000-9999/10000", "etag", "\"v2\""))
        .isEqualTo(Verdict.MISFIT);
  }

  @Test
  void judge_rangeNamingTheSameDateAsLastModifiedValidator_continues() {
    assertThat(
            judge(
                206,
                4_000,
                DATE,
                "content-range",
                "bytes 4000-9999/10000",
                "last-modified",
                "Tuesday, 01-Jan-30 00:00:00 GMT"))
        .isEqualTo(Verdict.CONTINUES);
  }

  @Test
  void judge_rangeNamingAnotherLastModified_isAMisfit() {
    assertThat(
            judge(
                206,
                4_000,
                DATE,
                "content-range",
                "bytes 4000-9999/10000",
                "last-modified",
                "Wed, 02 Jan 2030 00:00:00 GMT"))
        .isEqualTo(Verdict.MISFIT);
  }

  @Test
  void judge_rangeNotSatisfiable_isAMisfitOnlyForARangeRequest() {
    assertThat(judge(416, 4_000, ETAG)).isEqualTo(Verdict.MISFIT);
    assertThat(judge(416, 0, null)).isEqualTo(Verdict.FAILURE);
  }

  @Test
  void judge_partialContentToAPlainRequest_isAFailure() {
    assertThat(judge(206, 0, null, "content-range", "bytes 0-9999/10000"))
        .isEqualTo(Verdict.FAILURE);
  }

  @Test
  void judge_errorStatuses_areFailures() {
    assertThat(judge(404, 0, null)).isEqualTo(Verdict.FAILURE);
    assertThat(judge(503, 4_000, ETAG)).isEqualTo(Verdict.FAILURE);
    assertThat(judge(304, 4_000, ETAG)).isEqualTo(Verdict.FAILURE);
  }

  @Test
  void validatorOf_strongEtag_isTakenTrimmed() {
    assertThat(RangeNegotiation.validatorOf(" \"v1\" ", DATE, DATE)).isEqualTo(ETAG);
  }

  @Test
  void validatorOf_weakEtagWithoutUsableDate_isNone() {
    assertThat(RangeNegotiation.validatorOf("W/\"v1\"", null, null)).isNull();
    assertThat(RangeNegotiation.validatorOf("v1", null, null)).isNull();
  }

  @Test
  void validatorOf_weakEtagWithAnOldEnoughLastModified_isNoneRatherThanTheDate() {
    // RFC 9110 13.1.5: a client that has an entity tag must not send a date in If-Range.
    String later = "Tue, 01 Jan 2030 00:00:01 GMT";

    assertThat(RangeNegotiation.validatorOf("W/\"v1\"", DATE, later)).isNull();
    assertThat(RangeNegotiation.validatorOf(" W/\"v1\" ", DATE, later)).isNull();
  }

  @Test
  void validatorOf_lastModifiedASecondBeforeTheDate_isStrong() {
    assertThat(RangeNegotiation.validatorOf(null, DATE, "Tue, 01 Jan 2030 00:00:01 GMT"))
        .isEqualTo(DATE);
  }

  @Test
  void validatorOf_lastModifiedInTheSameSecondAsTheDate_isWeakAndNotUsed() {
    assertThat(RangeNegotiation.validatorOf(null, DATE, DATE)).isNull();
    assertThat(RangeNegotiation.validatorOf(null, DATE, null)).isNull();
    assertThat(RangeNegotiation.validatorOf(null, "yesterday", DATE)).isNull();
  }

  @Test
  void isStrongEtag_acceptsOnlyQuotedVisibleAscii() {
    assertThat(RangeNegotiation.isStrongEtag("\"abc-123\"")).isTrue();
    assertThat(RangeNegotiation.isStrongEtag("\"\"")).isTrue();
    assertThat(RangeNegotiation.isStrongEtag("W/\"abc\"")).isFalse();
    assertThat(RangeNegotiation.isStrongEtag("\"a b\"")).isFalse();
    assertThat(RangeNegotiation.isStrongEtag("\"a\"b\"")).isFalse();
    assertThat(RangeNegotiation.isStrongEtag("\"caf\u00e9\"")).isFalse();
    assertThat(RangeNegotiation.isStrongEtag("\"" + "x".repeat(255) + "\"")).isFalse();
    assertThat(RangeNegotiation.isStrongEtag(null)).isFalse();
  }

  @Test
  void contentLength_unreadableOrNegative_isUnknown() {
    assertThat(RangeNegotiation.contentLength(" 42 ")).isEqualTo(42);
    assertThat(RangeNegotiation.contentLength(null)).isEqualTo(-1);
    assertThat(RangeNegotiation.contentLength("lots")).isEqualTo(-1);
    assertThat(RangeNegotiation.contentLength("-5")).isEqualTo(-1);
  }
}
