// API errors: one typed error that carries a metav1.Status, with factories whose messages match
// upstream's (k8s.io/apimachinery/pkg/api/errors), so kubectl prints exactly what it prints there.

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'Timeout'
  | 'ServerTimeout'
  | 'InternalError'
  | 'ServiceUnavailable'
  | '';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  /** ListMeta: a 410 for an expired continue token carries a token that resumes inconsistently. */
  metadata: { continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    readonly listMeta: Status['metadata'] = {},
  ) {
    super(message);
    this.name = 'StatusError';
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: { ...this.listMeta }, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    if (s.reason === '') delete s.reason;
    return s;
  }
}

/** A group-qualified resource name as upstream prints it: `pods`, `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function detailsOf(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = { name, kind: gr.resource };
  if (gr.group) d.group = gr.group;
  return d;
}

export const errors = {
  notFound(gr: GroupResource, name: string): StatusError {
    return new StatusError(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, detailsOf(gr, name));
  },
  alreadyExists(gr: GroupResource, name: string): StatusError {
    return new StatusError(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, detailsOf(gr, name));
  },
  conflict(gr: GroupResource, name: string, why: string, causes?: StatusCause[]): StatusError {
    const d = detailsOf(gr, name);
    if (causes) d.causes = causes;
    return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, d);
  },
  staleResourceVersion(gr: GroupResource, name: string): StatusError {
    return errors.conflict(gr, name, 'the object has been modified; please apply your changes to the latest version and try again');
  },
  /** 422: `kind` is the Kind (Pod), as upstream's NewInvalid. */
  invalid(group: string, kind: string, name: string, causes: FieldError[]): StatusError {
    const list = causes.map((c) => c.toString());
    const joined = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    const d: StatusDetails = { name, kind, causes: causes.map((c) => ({ reason: c.reason, message: c.detailMessage(), field: c.field })) };
    if (group) d.group = group;
    return new StatusError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${joined}`, d);
  },
  badRequest(message: string): StatusError {
    return new StatusError(400, 'BadRequest', message);
  },
  forbidden(gr: GroupResource, name: string, why: string): StatusError {
    const what = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
    return new StatusError(403, 'Forbidden', `${what} is forbidden: ${why}`, detailsOf(gr, name));
  },
  unauthorized(message = 'Unauthorized'): StatusError {
    return new StatusError(401, 'Unauthorized', message);
  },
  /** A method the URL has no route for: upstream's router answers this before any handler. */
  methodNotAllowed(): StatusError {
    return new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  },
  methodNotSupported(gr: GroupResource, verb: string): StatusError {
    return new StatusError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualifiedResource(gr)}"`, { kind: gr.resource, ...(gr.group ? { group: gr.group } : {}) });
  },
  unsupportedMediaType(contentType: string, accepted: string[]): StatusError {
    return new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, { causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] });
  },
  notAcceptable(accepted: string[]): StatusError {
    return new StatusError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
  },
  requestEntityTooLarge(message = 'Request entity too large: limit is 3145728'): StatusError {
    return new StatusError(413, 'RequestEntityTooLarge', message);
  },
  expired(message: string, listMeta: Status['metadata'] = {}): StatusError {
    return new StatusError(410, 'Expired', message, undefined, listMeta);
  },
  gone(message: string): StatusError {
    return new StatusError(410, 'Gone', message);
  },
  internal(message: string): StatusError {
    return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
  },
  tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
    return new StatusError(429, 'TooManyRequests', message, { retryAfterSeconds });
  },
  serviceUnavailable(message: string): StatusError {
    return new StatusError(503, 'ServiceUnavailable', message);
  },
  notFoundPath(): StatusError {
    return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  },
};

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotFound'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

/**
 * One field validation error (k8s.io/apimachinery/pkg/util/validation/field.Error). toString()
 * renders it as upstream's Error(): `spec.containers[0].image: Required value`.
 */
export class FieldError {
  constructor(
    readonly reason: FieldErrorType,
    readonly field: string,
    readonly value: unknown,
    readonly detail: string = '',
    /** Invalid values are echoed unless this is false (upstream omits them for Required, Forbidden...). */
    readonly showValue: boolean = true,
  ) {}

  private typeString(): string {
    switch (this.reason) {
      case 'FieldValueRequired': return 'Required value';
      case 'FieldValueInvalid': return 'Invalid value';
      case 'FieldValueNotFound': return 'Not found';
      case 'FieldValueNotSupported': return 'Unsupported value';
      case 'FieldValueForbidden': return 'Forbidden';
      case 'FieldValueDuplicate': return 'Duplicate value';
      case 'FieldValueTooLong': return 'Too long';
      case 'FieldValueTooMany': return 'Too many';
      case 'FieldValueTypeInvalid': return 'Invalid value';
      case 'InternalError': return 'Internal error';
    }
  }

  /** The cause message: upstream's ErrorBody(). */
  detailMessage(): string {
    let s = this.typeString();
    if (this.showValue && this.value !== undefined) {
      const v = this.value;
      const shown = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === null ? 'null' : JSON.stringify(v);
      s += `: ${shown}`;
    }
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }

  toString(): string {
    return `${this.field}: ${this.detailMessage()}`;
  }
}

/** Constructors named as upstream's field package. */
export const field = {
  required: (path: string, detail = '') => new FieldError('FieldValueRequired', path, undefined, detail, false),
  invalid: (path: string, value: unknown, detail: string) => new FieldError('FieldValueInvalid', path, value, detail),
  notSupported: (path: string, value: unknown, valid: string[]) =>
    new FieldError('FieldValueNotSupported', path, value, valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : ''),
  forbidden: (path: string, detail: string) => new FieldError('FieldValueForbidden', path, undefined, detail, false),
  duplicate: (path: string, value: unknown) => new FieldError('FieldValueDuplicate', path, value),
  tooLong: (path: string, value: unknown, max: number) => new FieldError('FieldValueTooLong', path, value, `may not be more than ${max} bytes`, false),
  tooMany: (path: string, actual: number, max: number) => new FieldError('FieldValueTooMany', path, actual, `must have at most ${max} items`),
  typeInvalid: (path: string, value: unknown, detail: string) => new FieldError('FieldValueTypeInvalid', path, value, detail),
};
