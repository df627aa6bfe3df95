package dev.appupdate.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.conformance.CaseResult.Status;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.UpdateResponse;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Match;
import dev.appupdate.protocol.catalog.Matcher;
import dev.appupdate.protocol.catalog.Release;
import dev.appupdate.protocol.catalog.ReleasePatch;
import dev.appupdate.protocol.requestid.RequestIds;
import dev.appupdate.protocol.signature.AcceptSignature;
import dev.appupdate.protocol.signature.ContentDigest;
import dev.appupdate.protocol.signature.RequestBinding;
import dev.appupdate.protocol.signature.ResponseVerifier;
import dev.appupdate.protocol.signature.TrustedKeys;
import dev.appupdate.protocol.signature.Verification;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** The cases of one run, in order; each returns its result rather than throwing. */
final class Cases {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UNKNOWN_PRODUCT = "conformance-unknown-product-5c1f";
  private static final String UPDATE = "v1/update";
  private static final String COMPLETION = "v1/completion";

  private final HttpClient http;
  private final URI base;
  private final Catalog catalog;
  private final String product;
  private final List<PublicKey> serverKeys;
  private final long maxBodyBytes;
  private final Duration timeout;
  private final ClientCodec codec = ClientCodec.create();
  private final List<CaseResult> results = new ArrayList<>();
  /** Every 429 and 503 answer seen, to check Retry-After on. */
  private final List<String> retryAfterMissing = new ArrayList<>();

  private int throttled;

  Cases(
      HttpClient http,
      URI base,
      Catalog catalog,
      String product,
      List<PublicKey> serverKeys,
      long maxBodyBytes,
      Duration timeout) {
    this.http = http;
    this.base = base;
    this.catalog = catalog;
    this.product = product;
    this.serverKeys = serverKeys;
    this.maxBodyBytes = maxBodyBytes;
    this.timeout = timeout;
  }

  /** An answer: status, headers and body; status -1 with the error when nothing came back. */
  record Answer(int status, Map<String, List<String>> headers, byte[] body, String error) {
    Optional<String> header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return Optional.of(e.getValue().get(0));
        }
      }
      return Optional.empty();
    }

    String seen() {
      if (status < 0) {
        return "no answer (" + error + ")";
      }
      String text = new String(body, StandardCharsets.UTF_8);
      if (text.length() > 160) {
        text = text.substring(0, 157) + "...";
      }
      return status
          + header("Content-Type").map(t -> " " + t).orElse("")
          + (text.isEmpty() ? "" : " " + text.replaceAll("\\s+", " "));
    }
  }

  /** Thrown by a check to fail its case with what was expected and what came back. */
  private static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** Thrown by a check to skip its case, with why. */
  private static final class Skip extends Exception {
    private static final long serialVersionUID = 1L;

    Skip(String message) {
      super(message, null, false, false);
    }
  }

  private interface Check {
    String run() throws Failure, Skip, InterruptedException;
  }

  private void run(String name, String section, Check check) throws InterruptedException {
    Status status;
    String detail;
    try {
      detail = check.run();
      status = Status.PASS;
    } catch (Failure f) {
      status = Status.FAIL;
      detail = f.getMessage();
    } catch (Skip s) {
      status = Status.SKIP;
      detail = s.getMessage();
    } catch (RuntimeException e) {
      status = Status.FAIL;
      detail = "the check could not complete: " + e;
    }
    results.add(new CaseResult(name, section, status, detail));
  }

  // ---------------------------------------------------------------- the probe request

  /** The request that gets offers, with what the catalog says it gets; null offers: unknown. */
  private record Probe(UpdateRequest request, List<AvailableUpdate> expected) {}

  private Probe probe() {
    if (catalog == null) {
      return product == null
          ? null
          : new Probe(UpdateRequest.of(product, "0", "Linux", "en-US"), null);
    }
    Matcher matcher = Matcher.create(catalog, base);
    for (Release r : catalog.releases()) {
      Match m = r.match();
      for (String version : List.of("0", "1", "666", "1000000")) {
        UpdateRequest.Builder b =
            UpdateRequest.builder(
                r.product(),
                version,
                first(m.platforms(), "Linux"),
                first(m.locales(), "en-US"));
        if (!m.channels().isEmpty()) {
          b.channel(m.channels().get(0));
        }
        if (!m.archs().isEmpty()) {
          b.arch(m.archs().get(0));
        }
        if (m.minOsVersion() != null) {
          b.osVersion("999999");
        }
        b.installationId("conformance-installation");
        UpdateRequest request = b.build();
        List<AvailableUpdate> offers = matcher.match(request);
        if (!offers.isEmpty()) {
          return new Probe(request, offers);
        }
      }
    }
    return null;
  }

  private static String first(List<String> values, String otherwise) {
    return values.isEmpty() ? otherwise : values.get(0);
  }

  // ---------------------------------------------------------------- the cases

  List<CaseResult> runAll() throws InterruptedException {
    Probe probe = probe();
    byte[] probeBody = probe == null ? null : codec.encodeUpdateRequest(probe.request());
    UpdateResponse[] offered = new UpdateResponse[1];

    run(
        "update.offer",
        "The update response",
        () -> {
          if (probe == null) {
            throw new Skip(
                catalog == null
                    ? "neither a catalog nor a product was given"
                    : "no release of the catalog is offered to a request this kit can build");
          }
          Answer a = post(UPDATE, "application/json", probeBody);
          expectStatus(a, 200, "200 with offers for " + describe(probe.request()));
          expectContentType(a, "application/json");
          UpdateResponse response = decodeResponse(a);
          offered[0] = response;
          if (probe.expected() != null) {
            compareOffers(probe.expected(), response.availableUpdates());
            return "200, a valid update response with the "
                + response.availableUpdates().size()
                + " offer(s) the catalog gives";
          }
          return "200, a valid update response with "
              + response.availableUpdates().size()
              + " offer(s)";
        });

    run(
        "update.nothing_to_offer",
        "The update response",
        () -> {
          Answer a = post(UPDATE, "application/json", request(UNKNOWN_PRODUCT));
          expectStatus(a, 204, "204 with an empty body for a product the server does not know");
          if (a.body().length != 0) {
            throw new Failure("expected 204 with an empty body, saw a body: " + a.seen());
          }
          return "204 with an empty body for an unknown product";
        });

    run(
        "update.unknown_members_ignored",
        "Forward compatibility",
        () -> {
          ObjectNode doc = JSON.createObjectNode();
          doc.put("product", UNKNOWN_PRODUCT).put("version", "0").put("platform", "Linux");
          doc.put("locale", "en-US").put("conformance_future_member", 1);
          doc.putObject("x_nested").put("k", "v");
          Answer a = post(UPDATE, "application/json", doc.toString().getBytes(StandardCharsets.UTF_8));
          expectStatus(a, 204, "204: unknown members are ignored");
          return "unknown members ignored";
        });

    run("routes.not_found", "Routes", () -> {
      Answer a = post("v1/conformance-no-such-route", "application/json", request(UNKNOWN_PRODUCT));
      expectProblem(a, 404, "an unknown path");
      return "404 with a problem document";
    });
    run("routes.not_found_double_slash", "Routes", () -> {
      Answer a = send("POST",
          URI.create(base.getScheme() + "://" + base.getRawAuthority() + "/" + base.getRawPath()
              + UPDATE),
          "application/json", request(UNKNOWN_PRODUCT), Map.of());
      expectProblem(a, 404, "a path with a doubled slash (paths match exactly)");
      return "404 for //v1/update";
    });
    for (String route : List.of(UPDATE, COMPLETION)) {
      run("routes.method_not_allowed " + route, "Routes", () -> {
        Answer a = send("GET", base.resolve(route), null, null, Map.of());
        expectProblem(a, 405, "GET on /" + route);
        String allow = a.header("Allow").orElseThrow(
            () -> new Failure("expected 405 with an Allow header listing POST, saw no Allow"));
        if (!Arrays.stream(allow.split(",")).map(String::trim).anyMatch("POST"::equals)) {
          throw new Failure("expected Allow to list POST, saw Allow: " + allow);
        }
        return "405 with Allow: " + allow;
      });
    }

    for (String type :
        List.of("application/vnd.example+json", "APPLICATION/JSON; charset=\"UTF-8\"",
            "application/x-www-form-urlencoded", "")) {
      run("content_type.accepted " + (type.isEmpty() ? "(none)" : type),
          "Request content types", () -> {
            Answer a = post(UPDATE, type.isEmpty() ? null : type, request(UNKNOWN_PRODUCT));
            expectStatus(a, 204, "the request accepted (204 for an unknown product)");
            return "accepted";
          });
    }
    for (String type : List.of("text/plain", "application/json; charset=iso-8859-1",
        "application/json; charset=")) {
      run("content_type.refused " + type, "Request content types", () -> {
        Answer a = post(UPDATE, type, request(UNKNOWN_PRODUCT));
        expectProblem(a, 415, "Content-Type: " + type);
        return "415 with a problem document";
      });
    }

    run("size.too_large", "Status codes", () -> {
      byte[] big = new byte[Math.toIntExact(maxBodyBytes + 1)];
      byte[] doc = request(UNKNOWN_PRODUCT);
      Arrays.fill(big, (byte) ' ');
      System.arraycopy(doc, 0, big, 0, doc.length);
      Answer a = post(UPDATE, "application/json", big);
      expectProblem(a, 413, "a body of " + big.length + " bytes (limit " + maxBodyBytes + ")");
      return "413 with a problem document for " + big.length + " bytes";
    });

    badDocument("json.malformed", "Rules for every document",
        "{\"product\": \"your_app\", \"version\": ", "$");
    badDocument("json.empty_body", "Rules for every document", "", "$");
    badDocument("json.trailing_content", "Rules for every document",
        "{\"product\": \"p\", \"version\": \"1\", \"platform\": \"Linux\", \"locale\": \"en\"} x",
        "$");
    badDocument("json.duplicate_keys", "Rules for every document",
        "{\"product\": \"p\", \"product\": \"q\", \"version\": \"1\", \"platform\": \"Linux\","
            + " \"locale\": \"en\"}", null);
    badDocument("json.nested_duplicate_keys", "Rules for every document",
        "{\"product\": \"p\", \"version\": \"1\", \"platform\": \"Linux\", \"locale\": \"en\","
            + " \"x_unknown\": {\"a\": 1, \"a\": 2}}", null);
    badDocument("json.not_an_object", "Rules for every document", "[1, 2]", "$");
    badDocument("fields.wrong_types", "Value types",
        "{\"product\": 7, \"version\": 1.5, \"platform\": \"Linux\", \"locale\": \"en-US\"}",
        "product,version");
    badDocument("fields.bad_values", "Value types",
        "{\"product\": \"your app\", \"version\": \"1\", \"platform\": \"Linux\","
            + " \"locale\": \"en_US\"}", "product,locale");
    badDocument("fields.missing", "The update request",
        "{\"product\": \"your_app\", \"version\": \"1\", \"locale\": \"en-US\"}", "platform");
    badDocument("fields.required_null", "Rules for every document",
        "{\"product\": \"your_app\", \"version\": null, \"platform\": \"Linux\","
            + " \"locale\": \"en-US\"}", "version");

    completions(offered[0], probe);

    run("patches.offered", "Patches", () -> patches());
    run("signatures.response", "Response signatures", () -> signature(probe, probeBody));
    run("files.download", "Download and verification", () -> files(offered[0]));

    run("rate_limits.retry_after", "Rate limits", () -> {
      if (!retryAfterMissing.isEmpty()) {
        throw new Failure("expected Retry-After on every 429, saw none on: "
            + String.join("; ", retryAfterMissing));
      }
      if (throttled == 0) {
        throw new Skip("the server answered no request with 429");
      }
      return throttled + " answer(s) 429, each with Retry-After";
    });
    return results;
  }

  private void badDocument(String name, String section, String body, String fields)
      throws InterruptedException {
    run(name, section, () -> {
      Answer a = post(UPDATE, "application/json", body.getBytes(StandardCharsets.UTF_8));
      JsonNode problem = expectProblem(a, 400, "an invalid update request: " + abbreviate(body));
      if (fields == null) {
        return "400 with a problem document";
      }
      JsonNode errors = problem.get("errors");
      List<String> seen = new ArrayList<>();
      if (errors != null && errors.isArray()) {
        errors.forEach(e -> seen.add(e.path("field").asText(null)));
      }
      for (String field : fields.split(",")) {
        if (!seen.contains(field)) {
          throw new Failure("expected 400 whose errors name every bad field " + fields
              + ", saw fields " + seen + ": " + a.seen());
        }
      }
      return "400 naming " + fields;
    });
  }

  private void completions(UpdateResponse response, Probe probe) throws InterruptedException {
    String section = "Completion: Semantics";
    String skip = response == null ? "no update check was answered with an offer" : null;
    byte[] report = response == null ? null : report(response.requestId(), response, null);
    run("completion.accepted", section, () -> {
      requireOffer(skip);
      Answer a = post(COMPLETION, "application/json", report);
      expectStatus(a, 204, "204 for a report of every offer under the issued request id");
      return "204";
    });
    run("completion.idempotent", section, () -> {
      requireOffer(skip);
      Answer a = post(COMPLETION, "application/json", report);
      expectStatus(a, 204, "204 for the same report again (reports are idempotent)");
      return "204 again";
    });
    run("completion.forged_request_id", "Request ids", () -> {
      requireOffer(skip);
      String forged = "AQ" + "A".repeat(60);
      Answer a = post(COMPLETION, "application/json", report(forged, response, null));
      expectProblem(a, 422, "a report under a forged request id");
      return "422 with a problem document";
    });
    run("completion.foreign_request_id", "Request ids", () -> {
      requireOffer(skip);
      // Well formed and correctly signed, but with a key the server does not hold.
      String foreign =
          RequestIds.create(RequestIds.newKey(), Clock.systemUTC(), Duration.ofDays(1))
              .issue(probe.request().product(), response.availableUpdates());
      Answer a = post(COMPLETION, "application/json", report(foreign, response, null));
      expectProblem(a, 422, "a report under a request id issued with another key");
      return "422 with a problem document";
    });
    run("completion.not_offered", section, () -> {
      requireOffer(skip);
      Answer a = post(COMPLETION, "application/json",
          report(response.requestId(), response, "conformance_not_offered"));
      expectProblem(a, 422, "a report naming an update type not offered under its request id");
      return "422 with a problem document";
    });
    run("completion.wrong_version", section, () -> {
      requireOffer(skip);
      AvailableUpdate offer = response.availableUpdates().get(0);
      Map<String, Outcome> updates =
          Map.of(offer.updateType(), Outcome.success(offer.version() + ".99999"));
      Answer a = post(COMPLETION, "application/json",
          codec.encodeCompletionReport(CompletionReport.of(response.requestId(), updates)));
      expectProblem(a, 422, "a report of a version other than the one offered");
      return "422 with a problem document";
    });
    run("completion.invalid_document", "The completion report", () -> {
      String body = "{\"request_id\": \"abc\", \"updates\": {\"x\": {\"status\": \"maybe\","
          + " \"version\": \"1\"}}}";
      Answer a = post(COMPLETION, "application/json", body.getBytes(StandardCharsets.UTF_8));
      expectProblem(a, 400, "an invalid completion report");
      return "400 with a problem document";
    });
  }

  private static void requireOffer(String skip) throws Skip {
    if (skip != null) {
      throw new Skip(skip);
    }
  }

  private byte[] report(String requestId, UpdateResponse response, String extraType) {
    Map<String, Outcome> updates = new TreeMap<>();
    for (AvailableUpdate u : response.availableUpdates()) {
      updates.put(u.updateType(), Outcome.success(u.version()));
    }
    if (extraType != null) {
      updates.put(extraType, Outcome.success("1"));
    }
    return codec.encodeCompletionReport(CompletionReport.of(requestId, updates));
  }

  private String patches() throws Failure, Skip, InterruptedException {
    if (catalog == null) {
      throw new Skip("no catalog was given");
    }
    Matcher matcher = Matcher.create(catalog, base);
    for (Release r : catalog.releases()) {
      for (ReleasePatch p : r.patches()) {
        Match m = r.match();
        UpdateRequest.Builder b =
            UpdateRequest.builder(
                    r.product(), "0", first(m.platforms(), "Linux"), first(m.locales(), "en-US"))
                .installationId("conformance-installation")
                .installed(r.updateType(), p.from());
        if (!m.channels().isEmpty()) {
          b.channel(m.channels().get(0));
        }
        if (!m.archs().isEmpty()) {
          b.arch(m.archs().get(0));
        }
        if (m.minOsVersion() != null) {
          b.osVersion("999999");
        }
        UpdateRequest without = b.build();
        UpdateRequest with = b.patchFormats(List.of(p.format())).build();
        Optional<AvailableUpdate> expected =
            matcher.match(with).stream()
                .filter(u -> u.updateType().equals(r.updateType()) && u.patch() != null)
                .findFirst();
        if (expected.isEmpty()) {
          continue;
        }
        AvailableUpdate seenWith = offerOf(with, r.updateType());
        if (seenWith.patch() == null
            || !seenWith.patch().hashValue().equals(expected.get().patch().hashValue())) {
          throw new Failure("expected an offer of " + r.updateType() + " with the patch from "
              + p.from() + " (" + p.format() + ") for patch_formats [" + p.format() + "], saw "
              + (seenWith.patch() == null ? "no patch" : seenWith.patch()));
        }
        AvailableUpdate seenWithout = offerOf(without, r.updateType());
        if (seenWithout.patch() != null) {
          throw new Failure("expected no patch for a request without patch_formats, saw "
              + seenWithout.patch());
        }
        return "the patch from " + p.from() + " offered with patch_formats, none without";
      }
    }
    throw new Skip("the catalog has no patch this kit can request");
  }

  private AvailableUpdate offerOf(UpdateRequest request, String updateType)
      throws Failure, InterruptedException {
    Answer a = post(UPDATE, "application/json", codec.encodeUpdateRequest(request));
    expectStatus(a, 200, "200 with an offer of " + updateType);
    return decodeResponse(a).availableUpdates().stream()
        .filter(u -> u.updateType().equals(updateType))
        .findFirst()
        .orElseThrow(() -> new Failure("expected an offer of " + updateType + ", saw " + a.seen()));
  }

  private String signature(Probe probe, byte[] body) throws Failure, Skip, InterruptedException {
    if (serverKeys.isEmpty()) {
      throw new Skip("no server key was given");
    }
    if (probe == null) {
      throw new Skip("no request this kit can build gets an offer");
    }
    TrustedKeys trusted = TrustedKeys.of(serverKeys);
    AcceptSignature accept = AcceptSignature.create(trusted);
    String digest = ContentDigest.of(body).headerValue();
    URI target = base.resolve(UPDATE);
    Answer a = send("POST", target, "application/json", body,
        Map.of(AcceptSignature.HEADER, accept.headerValue(), ContentDigest.HEADER, digest));
    expectStatus(a, 200, "200 with a signed update response");
    Verification v = ResponseVerifier.create(trusted)
        .verify(RequestBinding.of("POST", target, digest, accept.nonce()), a.status(),
            a.headers(), a.body());
    if (!v.valid()) {
      throw new Failure("expected an answer signed by a trusted key for this request, saw: "
          + v.reason());
    }
    return "signed by " + v.keyId();
  }

  private String files(UpdateResponse response) throws Failure, Skip, InterruptedException {
    if (response == null) {
      throw new Skip("no update check was answered with an offer");
    }
    for (AvailableUpdate u : response.availableUpdates()) {
      URI url = u.url();
      if (!Objects.equals(url.getScheme(), base.getScheme())
          || !Objects.equals(url.getHost(), base.getHost())
          || url.getPort() != base.getPort()
          || u.size() < 2) {
        continue;
      }
      Answer full = send("GET", url, null, null, Map.of("Accept-Encoding", "identity"));
      expectStatus(full, 200, "200 with the file of " + u.updateType());
      if (full.body().length != u.size()) {
        throw new Failure("expected " + u.size() + " bytes at " + url + ", saw "
            + full.body().length);
      }
      String digest = hex(u.hashFunction().algorithm(), full.body());
      if (!digest.equals(u.hashValue())) {
        throw new Failure("expected the digest " + u.hashValue() + " at " + url + ", saw "
            + digest);
      }
      Answer part = send("GET", url, null, null, Map.of("Range", "bytes=1-"));
      if (part.status() == 200) {
        return "the file matches its offer; the server does not serve ranges (answers 200)";
      }
      expectStatus(part, 206, "206 or 200 for Range: bytes=1-");
      expectRange(part, full.body(), 1);
      Optional<String> etag = full.header("ETag");
      if (etag.isPresent() && !etag.get().startsWith("W/")) {
        Answer resumed =
            send("GET", url, null, null, Map.of("Range", "bytes=1-", "If-Range", etag.get()));
        expectStatus(resumed, 206, "206 for If-Range with the current entity tag");
        expectRange(resumed, full.body(), 1);
        Answer stale = send("GET", url, null, null,
            Map.of("Range", "bytes=1-", "If-Range", "\"conformance-stale-tag\""));
        expectStatus(stale, 200, "200 with the whole file for If-Range with another entity tag");
      }
      Answer dated = send("GET", url, null, null, Map.of("Range", "bytes=1-", "If-Range",
          full.header("Last-Modified").orElse("Thu, 01 Jan 2026 00:00:00 GMT")));
      expectStatus(dated, 200, "200 with the whole file for If-Range with a date");
      Answer beyond =
          send("GET", url, null, null, Map.of("Range", "bytes=" + u.size() + "-"));
      expectStatus(beyond, 416, "416 for a range starting at the file's size");
      return "the file matches its offer; Range, If-Range and 416 as documented";
    }
    throw new Skip("no offer of two bytes or more points at this server");
  }

  private static void expectRange(Answer a, byte[] whole, int from) throws Failure {
    byte[] tail = Arrays.copyOfRange(whole, from, whole.length);
    if (!Arrays.equals(a.body(), tail)) {
      throw new Failure("expected bytes " + from + " to the end of the file, saw "
          + a.body().length + " other bytes");
    }
    String range = "bytes " + from + "-" + (whole.length - 1) + "/" + whole.length;
    if (!a.header("Content-Range").orElse("").equals(range)) {
      throw new Failure("expected Content-Range: " + range + ", saw "
          + a.header("Content-Range").orElse("none"));
    }
  }

  private static String hex(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- checks

  private UpdateResponse decodeResponse(Answer a) throws Failure {
    UpdateResponse response;
    try {
      response = codec.decodeUpdateResponse(a.body());
    } catch (ProtocolException e) {
      throw new Failure("expected a valid update response, saw: " + e.getMessage());
    }
    if (!response.rejected().isEmpty()) {
      throw new Failure("expected every offer valid, saw invalid entries: " + response.rejected());
    }
    return response;
  }

  private static void compareOffers(List<AvailableUpdate> expected, List<AvailableUpdate> seen)
      throws Failure {
    Map<String, String> want = new TreeMap<>();
    expected.forEach(u -> want.put(u.updateType(), summary(u)));
    Map<String, String> got = new TreeMap<>();
    seen.forEach(u -> got.put(u.updateType(), summary(u)));
    if (!want.equals(got)) {
      throw new Failure("expected the offers " + want.values() + ", saw " + got.values());
    }
  }

  private static String summary(AvailableUpdate u) {
    return u.updateType() + " " + u.version() + " (" + u.size() + " bytes, "
        + u.hashFunction().wireName() + " " + u.hashValue().substring(0, 12) + "...)";
  }

  private static void expectStatus(Answer a, int status, String expected) throws Failure {
    if (a.status() != status) {
      throw new Failure("expected " + expected + ", saw " + a.seen());
    }
  }

  private static void expectContentType(Answer a, String type) throws Failure {
    String seen = a.header("Content-Type").orElse("");
    String bare = seen.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!bare.equals(type)) {
      throw new Failure("expected Content-Type: " + type + ", saw "
          + (seen.isEmpty() ? "none" : seen));
    }
  }

  /** Checks the status and that the body is a problem document for it (docs "Errors"). */
  private static JsonNode expectProblem(Answer a, int status, String what) throws Failure {
    expectStatus(a, status, status + " with a problem document for " + what);
    expectContentType(a, "application/problem+json");
    JsonNode doc;
    try {
      doc = JSON.readTree(a.body());
    } catch (IOException e) {
      throw new Failure("expected a JSON problem document, saw " + a.seen());
    }
    if (doc == null || !doc.isObject()) {
      throw new Failure("expected a JSON object as problem document, saw " + a.seen());
    }
    if (!doc.path("type").isTextual() || !doc.path("title").isTextual()
        || !doc.path("status").isInt()) {
      throw new Failure("expected a problem with type, title and status, saw " + a.seen());
    }
    if (doc.get("status").asInt() != status) {
      throw new Failure("expected the problem's status " + status + ", saw " + a.seen());
    }
    return doc;
  }

  // ---------------------------------------------------------------- HTTP

  private byte[] request(String productName) {
    return codec.encodeUpdateRequest(UpdateRequest.of(productName, "0", "Linux", "en-US"));
  }

  private static String describe(UpdateRequest r) {
    return r.product() + " " + r.version() + " on " + r.platform() + " in " + r.locale();
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  private Answer post(String route, String contentType, byte[] body) throws InterruptedException {
    return send("POST", base.resolve(route), contentType, body, Map.of());
  }

  private Answer send(
      String method, URI uri, String contentType, byte[] body, Map<String, String> headers)
      throws InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    headers.forEach(b::header);
    Answer a;
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      a = new Answer(r.statusCode(), new LinkedHashMap<>(r.headers().map()), r.body(), null);
    } catch (IOException e) {
      a = new Answer(-1, Map.of(), new byte[0], e.toString());
    }
    if (a.status() == 429) {
      throttled++;
      if (a.header("Retry-After").isEmpty()) {
        retryAfterMissing.add(method + " " + uri);
      }
    }
    return a;
  }
}
