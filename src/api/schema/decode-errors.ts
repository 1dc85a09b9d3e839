// The responses upstream's handlers build from decoding problems: strict decoding errors
// (fieldValidation=Strict), warnings (Warn), and type errors, with upstream's exact texts.
import { errors, field, StatusError } from '../errors.js';

/** What a create/update request decoded into, for the "cannot be handled as" prefix. */
export interface HandledAs {
  kind: string;
  /** The version only (`v1` for apps/v1), as upstream prints it. */
  version: string;
}

function strictItems(unknown: string[], duplicates: string[] = []): string[] {
  return [...unknown.map((p) => `unknown field ${JSON.stringify(p)}`), ...duplicates.map((p) => `duplicate field ${JSON.stringify(p)}`)];
}

/** `strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`. */
export function strictDecodingMessage(unknown: string[], duplicates: string[] = []): string {
  return `strict decoding error: ${strictItems(unknown, duplicates).join(', ')}`;
}

function handledAsPrefix(h: HandledAs): string {
  return `${h.kind} in version ${JSON.stringify(h.version)} cannot be handled as a ${h.kind}: `;
}

/**
 * 400 BadRequest for fieldValidation=Strict. Create and update pass `handledAs` (upstream runs the
 * error through its decode-error transform: `Pod in version "v1" cannot be handled as a Pod:
 * strict decoding error: ...`); patches do not (the bare `strict decoding error: ...`).
 */
export function strictDecodingError(unknown: string[], handledAs?: HandledAs, duplicates: string[] = []): StatusError {
  const msg = strictDecodingMessage(unknown, duplicates);
  return errors.badRequest(handledAs ? handledAsPrefix(handledAs) + msg : msg);
}

/** The warning texts for fieldValidation=Warn, one per field: `unknown field "spec.foo"`. */
export function warningsFor(unknown: string[], duplicates: string[] = []): string[] {
  return strictItems(unknown, duplicates);
}

/** A `Warning` header value as upstream sends it: `299 - "unknown field \"spec.foo\""`. */
export function warningHeaderValue(text: string): string {
  return `299 - "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** 400 for a create/update body whose values do not fit the Go types: `Pod in version "v1" cannot be handled as a Pod: json: ...`. */
export function decodeTypeError(handledAs: HandledAs, message: string): StatusError {
  return errors.badRequest(handledAsPrefix(handledAs) + message);
}

/**
 * 422 for a patch whose result does not decode: upstream reports it as an Invalid error on the
 * field `patch`, with the patched object (JSON text for JSON/merge patches) as the value.
 */
export function patchDecodeError(patched: string, message: string): StatusError {
  return errors.invalid('', '', '', [field.invalid('patch', patched, message)]);
}
