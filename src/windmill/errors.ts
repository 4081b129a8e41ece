// Typed errors of the Windmill client. Every failure of a request becomes one of these, and
// `describe()` is the one place that turns them into a sentence for a person.
// No error text ever contains the token: the client never passes it here, and redacts the
// server's text and low-level messages before they arrive.

export type HttpErrorKind = 'unauthorized' | 'forbidden' | 'notFound' | 'badRequest' | 'rateLimited' | 'server' | 'other';
export type NetworkErrorKind = 'refused' | 'dns' | 'tls' | 'timeout' | 'aborted' | 'reset' | 'other';

/** Where a failed request went: method, API path without query string, host of the instance. */
export interface RequestContext {
  method: string;
  path: string;
  host: string;
}

const BRAND = Symbol.for('windmill-users.WindmillError');

/** The setting that adds CA certificates (named in the message for an untrusted certificate). */
export const CA_CERTIFICATES_SETTING = 'windmillUsers.tls.caCertificates';

/** Appended to describe() when a write may have reached the server although no answer came. */
export const OUTCOME_UNKNOWN_TEXT = 'The change may have been made anyway: check (e.g. refresh the list) before trying again.';

export abstract class WindmillError extends Error {
  readonly method: string;
  readonly path: string;
  readonly host: string;
  /**
   * True when a POST/DELETE may have been carried out although no answer says so (the request was
   * sent, then a timeout, a reset, a cancellation or a gateway error). Never retry it blindly.
   */
  readonly outcomeUnknown: boolean;
  /** How many attempts the client made (GETs are retried on transient failures; writes never). */
  attempts = 1;

  constructor(message: string, ctx: RequestContext, options?: { cause?: unknown; outcomeUnknown?: boolean }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.outcomeUnknown = options?.outcomeUnknown === true;
    this.name = new.target.name;
    this.method = ctx.method;
    this.path = ctx.path;
    this.host = ctx.host;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** A clear English sentence for a person (may quote the server; never contains the token). */
  abstract describe(): string;
}

export function isWindmillError(e: unknown): e is WindmillError {
  return e instanceof WindmillError || (typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true);
}

/** True for a Windmill error of a write whose outcome is unknown (see WindmillError.outcomeUnknown). */
export function isOutcomeUnknown(e: unknown): boolean {
  return isWindmillError(e) && e.outcomeUnknown === true;
}

/** POST and DELETE change things on the server; GET does not. */
export function isWriteMethod(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/** Windmill's text for "this endpoint needs a superadmin" (it answers 401, not 403). */
const SUPERADMIN_TEXT = /super[\s_-]?admin/i;

export function httpErrorKind(status: number): HttpErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 400 || status === 409 || status === 422) return 'badRequest';
  if (status === 429) return 'rateLimited';
  if (status >= 500 && status <= 599) return 'server';
  return 'other';
}

export class WindmillHttpError extends WindmillError {
  readonly status: number;
  /** The server's text/plain body, trimmed and truncated; "HTML error page" for an HTML body. */
  readonly serverMessage: string;
  readonly kind: HttpErrorKind;
  readonly retryAfterMs?: number;
  /** True for Windmill's 401 "This endpoint requires the caller to be a super admin". */
  readonly superadminRequired: boolean;

  constructor(ctx: RequestContext & { status: number; serverMessage: string; retryAfterMs?: number }) {
    // A gateway error (502/504) on a write: the proxy may have passed the request on before failing.
    const outcomeUnknown = isWriteMethod(ctx.method) && (ctx.status === 502 || ctx.status === 504);
    super(`${ctx.method} ${ctx.path} -> HTTP ${ctx.status}${ctx.serverMessage ? `: ${ctx.serverMessage}` : ''}`, ctx, { outcomeUnknown });
    this.status = ctx.status;
    this.serverMessage = ctx.serverMessage;
    this.kind = httpErrorKind(ctx.status);
    if (ctx.retryAfterMs !== undefined) this.retryAfterMs = ctx.retryAfterMs;
    this.superadminRequired = this.kind === 'unauthorized' && SUPERADMIN_TEXT.test(ctx.serverMessage);
  }

  describe(): string {
    const text = this.describeStatus();
    return this.outcomeUnknown ? `${text} ${OUTCOME_UNKNOWN_TEXT}` : text;
  }

  private describeStatus(): string {
    const quoted = this.serverMessage ? ` "${this.serverMessage}"` : '';
    switch (this.kind) {
      case 'unauthorized':
        return this.superadminRequired
          ? 'This needs an instance superadmin.'
          : 'The token was rejected (expired, revoked or wrong).';
      case 'forbidden':
        return this.serverMessage ? `Not allowed:${quoted}.` : 'Not allowed: the server refused this action (HTTP 403).';
      case 'notFound':
        return this.serverMessage ? `Not found:${quoted}.` : `Not found (HTTP 404 for ${this.path}).`;
      case 'badRequest':
        return `The server rejected the request${quoted ? `:${quoted}` : ` (HTTP ${this.status})`}.`;
      case 'rateLimited': {
        const wait = this.retryAfterMs !== undefined ? ` Try again in ${Math.max(1, Math.ceil(this.retryAfterMs / 1000))} s.` : ' Try again later.';
        return `Too many requests to ${this.host}.${wait}`;
      }
      case 'server':
        return `The server ${this.host} failed (HTTP ${this.status})${quoted ? `:${quoted}` : ''}.`;
      default:
        return `Unexpected answer from ${this.host} (HTTP ${this.status})${quoted ? `:${quoted}` : ''}.`;
    }
  }
}

export class WindmillNetworkError extends WindmillError {
  readonly kind: NetworkErrorKind;
  /** The low-level error code (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT, CERT_HAS_EXPIRED...), when known. */
  readonly code?: string;
  readonly timeoutMs?: number;

  constructor(ctx: RequestContext & { kind: NetworkErrorKind; code?: string; detail?: string; timeoutMs?: number; cause?: unknown; outcomeUnknown?: boolean }) {
    super(`${ctx.method} ${ctx.path}: ${ctx.kind}${ctx.code ? ` (${ctx.code})` : ''}${ctx.detail ? `: ${ctx.detail}` : ''}`, ctx, {
      cause: ctx.cause,
      outcomeUnknown: ctx.outcomeUnknown,
    });
    this.kind = ctx.kind;
    if (ctx.code !== undefined) this.code = ctx.code;
    if (ctx.timeoutMs !== undefined) this.timeoutMs = ctx.timeoutMs;
  }

  describe(): string {
    if (this.outcomeUnknown) {
      const what = this.kind === 'aborted' ? 'The request was cancelled after it was sent.' : `${this.describeKind()} The request had been sent, but no answer came.`;
      return `${what} ${OUTCOME_UNKNOWN_TEXT}`;
    }
    return this.describeKind();
  }

  private describeKind(): string {
    const code = this.code ? ` (${this.code})` : '';
    switch (this.kind) {
      case 'refused':
        return `Could not reach ${this.host}: connection refused.`;
      case 'dns':
        return `Could not find ${this.host}: the name does not resolve (DNS lookup failed).`;
      case 'tls':
        return isUntrustedCertCode(this.code)
          ? `Could not connect securely to ${this.host}: its certificate is not trusted${code}. If the server uses a private or self-signed certificate authority, add its CA certificate file (PEM) to the setting ${CA_CERTIFICATES_SETTING}.`
          : `Could not connect securely to ${this.host}: ${tlsReason(this.code)}${code}.`;
      case 'timeout':
        return this.timeoutMs !== undefined
          ? `${this.host} did not answer within ${formatSeconds(this.timeoutMs)}.`
          : `${this.host} did not answer in time${code}.`;
      case 'aborted':
        return 'The request was cancelled.';
      case 'reset':
        return `The connection to ${this.host} was closed unexpectedly${code}.`;
      default:
        return `Could not reach ${this.host}${code}.`;
    }
  }
}

/** The server answered, but not like Windmill's API (HTML instead of JSON, bad JSON, wrong shape). */
export class WindmillProtocolError extends WindmillError {
  /** What was wrong, for logs; never contains a response body that could be a secret. */
  readonly detail: string;

  constructor(ctx: RequestContext & { detail: string; cause?: unknown }) {
    super(`${ctx.method} ${ctx.path}: not a Windmill API answer: ${ctx.detail}`, ctx, { cause: ctx.cause });
    this.detail = ctx.detail;
  }

  describe(): string {
    return `${this.host} did not answer like a Windmill server (${this.detail}). Check the instance URL.`;
  }
}

/** Codes of "no trusted CA vouches for this certificate": fixed by adding the CA. */
const UNTRUSTED_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

function isUntrustedCertCode(code: string | undefined): boolean {
  return code !== undefined && UNTRUSTED_CERT_CODES.has(code);
}

function tlsReason(code: string | undefined): string {
  if (code === 'CERT_HAS_EXPIRED') return 'its certificate has expired';
  if (code === 'CERT_NOT_YET_VALID') return 'its certificate is not valid yet (check the clock)';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'its certificate is for another host name';
  if (code && /^(CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/.test(code)) return 'its certificate is not trusted';
  return 'the TLS handshake failed';
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
