/**
 * The catalog of releases a server offers and the matching that picks a request's updates.
 *
 * <p>A server loads a {@link dev.appupdate.protocol.catalog.Catalog} (the JSON format of
 * docs/CATALOG.md, validated whole, every problem reported in one {@link
 * dev.appupdate.protocol.catalog.CatalogException}), compiles it once into a {@link
 * dev.appupdate.protocol.catalog.Matcher}, and asks the matcher for each request's offers:
 *
 * <pre>{@code
 * ServerCodec codec = ServerCodec.create();
 * Matcher matcher = Matcher.create(Catalog.read(Path.of("catalog.json")),
 *     URI.create("https://updates.example.com/"));
 *
 * UpdateRequest request = codec.decodeUpdateRequest(body);   // ProtocolException: answer 400
 * List<AvailableUpdate> offers = matcher.match(request);
 * if (offers.isEmpty()) {
 *   // answer 204 No Content
 * } else {
 *   byte[] json = codec.encodeUpdateResponse(UpdateResponse.of(offers, requestId));
 * }
 * }</pre>
 */
package dev.appupdate.protocol.catalog;
