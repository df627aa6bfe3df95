/**
 * appupdate protocol v1: the wire model, a strict JSON codec per direction, version ordering.
 *
 * <p>Server implementers use {@link dev.appupdate.protocol.ServerCodec}; clients use {@link
 * dev.appupdate.protocol.ClientCodec}. The JSON Schemas of the documents ship as resources under
 * {@code dev/appupdate/protocol/schema/}.
 */
module dev.appupdate.protocol {
  requires com.fasterxml.jackson.databind;

  exports dev.appupdate.protocol;
  exports dev.appupdate.protocol.requestid;
}
