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

export abstract class WindmillError extends Error {
  readonly method: string;
  readonly path: string;
  readonly host: string;

  constructor(message: string, ctx: RequestContext, options?: { cause?: unknown }) {
    super(message, options);
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
    super(`${ctx.method} ${ctx.path} -> HTTP ${ctx.status}${ctx.serverMessage ? `: ${ctx.serverMessage}` : ''}`, ctx);
    this.status = ctx.status;
    this.serverMessage = ctx.serverMessage;
    this.kind = httpErrorKind(ctx.status);
    if (ctx.retryAfterMs !== undefined) this.retryAfterMs = ctx.retryAfterMs;
    this.superadminRequired = this.kind === 'unauthorized' && SUPERADMIN_TEXT.test(ctx.serverMessage);
  }

  describe(): string {
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

  constructor(ctx: RequestContext & { kind: NetworkErrorKind; code?: string; detail?: string; timeoutMs?: number; cause?: unknown }) {
    super(`${ctx.method} ${ctx.path}: ${ctx.kind}${ctx.code ? ` (${ctx.code})` : ''}${ctx.detail ? `: ${ctx.detail}` : ''}`, ctx, { cause: ctx.cause });
    this.kind = ctx.kind;
    if (ctx.code !== undefined) this.code = ctx.code;
    if (ctx.timeoutMs !== undefined) this.timeoutMs = ctx.timeoutMs;
  }

  describe(): string {
    const code = this.code ? ` (${this.code})` : '';
    switch (this.kind) {
      case 'refused':
        return `Could not reach ${this.host}: connection refused.`;
      case 'dns':
        return `Could not find ${this.host}: the name does not resolve (DNS lookup failed).`;
      case 'tls':
        return `Could not connect securely to ${this.host}: ${tlsReason(this.code)}${code}.`;
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

function tlsReason(code: string | undefined): string {
  if (code === 'CERT_HAS_EXPIRED') return 'its certificate has expired';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'its certificate is for another host name';
  if (code && /^(CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/.test(code)) return 'its certificate is not trusted';
  return 'the TLS handshake failed';
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
