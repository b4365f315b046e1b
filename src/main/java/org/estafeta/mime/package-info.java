/**
 * Message parsing: the MIME tree of a stored message with the byte offsets of every part (so that
 * IMAP can stream {@code BODY[1.2]} from the blob without loading the message), header fields, and
 * the typed summary and structure (what IMAP ENVELOPE/BODYSTRUCTURE say) computed once when a message
 * arrives; the imap package writes those in its syntax. Field syntax (parameters,
 * address lists, encoded words) is Apache James Mime4j's; the boundary scan is ours because it must
 * report offsets. Nothing here reads a whole message into memory: headers are capped, bodies streamed.
 */
package org.estafeta.mime;
