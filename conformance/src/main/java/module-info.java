/**
 * The appupdate conformance kit: sends protocol v1 requests to a server and checks every rule of
 * docs/PROTOCOL.md a client can observe. Start with {@link
 * dev.appupdate.conformance.Conformance}.
 */
module dev.appupdate.conformance {
  requires transitive dev.appupdate.protocol;
  requires java.net.http;
  requires com.fasterxml.jackson.databind;

  exports dev.appupdate.conformance;
}
