/**
 * Signatures of protocol v1, with the JDK only (Ed25519 is built into Java 15 and later): offline
 * release signatures, and signed, fresh update-check responses. docs/PROTOCOL.md, "Signatures", is
 * the normative text; this package implements it for any server stack and for clients.
 *
 * <ul>
 *   <li>Keys: {@link dev.appupdate.protocol.signature.Ed25519Keys} generates, writes and reads
 *       Ed25519 key files (PKCS#8 and SubjectPublicKeyInfo PEM) and names keys by their key id;
 *       {@link dev.appupdate.protocol.signature.SigningKey} signs, with the JDK or a pluggable
 *       faster implementation; {@link dev.appupdate.protocol.signature.TrustedKeys} holds the keys
 *       a verifier trusts.
 *   <li>Release signatures: {@link dev.appupdate.protocol.signature.ReleaseSignatures} signs a
 *       catalog release over its canonical bytes and checks a release or an offer.
 *   <li>Response signatures (RFC 9421 HTTP Message Signatures with RFC 9530 {@code
 *       Content-Digest}): the client asks with an {@link
 *       dev.appupdate.protocol.signature.AcceptSignature} carrying a fresh nonce, the server signs
 *       with a {@link dev.appupdate.protocol.signature.ResponseSigner} over the response and the
 *       {@link dev.appupdate.protocol.signature.RequestBinding request} it answers, and the client
 *       checks with a {@link dev.appupdate.protocol.signature.ResponseVerifier}.
 * </ul>
 *
 * <p>Verifiers answer with a {@link dev.appupdate.protocol.signature.Verification}: valid, with the
 * trusted key that signed, or why not.
 */
package dev.appupdate.protocol.signature;
