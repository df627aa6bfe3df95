/**
 * appupdate protocol v1: the wire model, a strict JSON codec per direction, version ordering.
 *
 * <p>Server implementers use {@link dev.appupdate.protocol.ServerCodec}; clients use {@link
 * dev.appupdate.protocol.ClientCodec}. The JSON Schemas of the documents ship as resources under
 * {@code dev/appupdate/protocol/schema/}, readable through {@link
 * dev.appupdate.protocol.ProtocolSchema}.
 */
module dev.appupdate.protocol {
  requires com.fasterxml.jackson.databind;

  exports dev.appupdate.protocol;
}
