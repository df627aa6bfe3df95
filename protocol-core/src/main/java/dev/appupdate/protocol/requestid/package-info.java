/**
 * Stateless request ids: HMAC-SHA256 tokens that let any server holding the same key check, with no
 * shared state, that it issued an id, when, for which product, and which (update_type, version)
 * pairs it offered under it. Start at {@link dev.appupdate.protocol.requestid.RequestIds}.
 */
package dev.appupdate.protocol.requestid;
