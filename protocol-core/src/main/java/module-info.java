/**
 * appupdate protocol v1: the wire model, a strict JSON codec per direction, version ordering, and
 * the catalog of releases with the matcher that decides what a request is offered, the
 * stateless request-id tokens, and release and response signatures.
 *
 * <p>Server implementers use {@link dev.appupdate.protocol.ServerCodec}, {@link
 * dev.appupdate.protocol.catalog.Catalog}, {@link dev.appupdate.protocol.catalog.Matcher} and
 * {@link dev.appupdate.protocol.requestid.RequestIds};
 * clients use {@link dev.appupdate.protocol.ClientCodec}. {@link
 * dev.appupdate.protocol.signature} signs releases offline and responses online, and verifies
 * both. The JSON Schemas of the documents ship
 * as resources under {@code dev/appupdate/protocol/schema/}, readable through {@link
 * dev.appupdate.protocol.ProtocolSchema}.
 */
// Needed: the qualified export below names dev.appupdate.server, which the reactor compiles after
// this module, so javac cannot see it and warns "module not found" (lint category "module"),
// which -Werror turns into a failure. There is no narrower switch: this annotation covers the
// module declaration only, while -Xlint:-module in the POM would silence the category for every
// file; dropping the qualified export would make internal.OutcomeJson public API instead.
@SuppressWarnings("module")
module dev.appupdate.protocol {
  requires com.fasterxml.jackson.databind;

  exports dev.appupdate.protocol;
  exports dev.appupdate.protocol.catalog;
  exports dev.appupdate.protocol.requestid;
  exports dev.appupdate.protocol.signature;
  // Not an API: the reference server, built and released with this module, writes and reads its
  // completion log with the same outcome mapping as the codecs (internal.OutcomeJson), so that a
  // new member of an outcome reaches the log without a change there.
  exports dev.appupdate.protocol.internal to
      dev.appupdate.server;
}
