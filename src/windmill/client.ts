// The Windmill HTTP client. Knows nothing of VS Code: the instance URL, the token and an undici
// Dispatcher are injected. undici itself is loaded lazily on the first request, so activating the
// extension does not pay for it.
import { inspect } from 'node:util';
import type { Dispatcher } from 'undici';
import { normalizeInstanceUrl } from '../validation';
import {
  WindmillError,
  WindmillHttpError,
  WindmillNetworkError,
  WindmillProtocolError,
  isWriteMethod,
  type NetworkErrorKind,
  type RequestContext,
} from './errors';
import {
  describeJson,
  looksLikeHtml,
  parseBoolean,
  parseGlobalUser,
  parseGlobalUsers,
  parseInvites,
  parseMember,
  parseMembers,
  parseTokens,
  parseVersion,
} from './parse';
import type { GlobalUserInfo, Invite, Member, TokenInfo, VersionInfo } from './types';

export * from './errors';
export type * from './types';

export interface ClientOptions {
  /** Instance URL as the user typed it; API base = normalized remote + "/api". */
  remote: string;
  /** Bearer token; never appears in any error message, log line or thrown text. */
  token?: string;
  /** undici dispatcher (MockAgent in tests, an Agent with CA certs later). */
  dispatcher?: Dispatcher;
  /**
   * Asked for the dispatcher at each request when `dispatcher` is not given (e.g. an Agent with the
   * extra CA certificates, built once on first use); undefined = undici's global dispatcher.
   */
  getDispatcher?: () => Promise<Dispatcher | undefined>;
  /** Per request (headers and body), default 30000. */
  timeoutMs?: number;
  /** Sent as X-Windmill-Client, default "vscode-windmill-users". */
  clientName?: string;
  /** Called once per request, for logging. `path` has no query string; never the token. */
  onRequest?: (info: RequestLogInfo) => void;
  /**
   * Bounded retry of idempotent reads (GET only; POST and DELETE are never retried) on a refused
   * or reset connection, a timeout, HTTP 429 and 502/503/504. Missing fields take DEFAULT_RETRY;
   * `attempts: 1` disables retrying.
   */
  retry?: Partial<RetryOptions>;
}

export interface RetryOptions {
  /** Attempts in total, first one included (1 = no retry). At most 10. */
  attempts: number;
  /** Backoff before retry n is about baseDelayMs * 2^(n-1), with jitter (between half and all of it). */
  baseDelayMs: number;
  /** Upper bound of one backoff wait. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is thrown at once (it carries retryAfterMs). */
  maxRetryAfterMs: number;
  /**
   * Budget of one call, attempts and waits together; no wait or attempt goes beyond it. Default:
   * twice timeoutMs (so a hanging server costs at most about two timeouts, not `attempts` of them).
   */
  totalTimeoutMs?: number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  attempts: 3,
  baseDelayMs: 300,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
});

export interface RequestLogInfo {
  method: string;
  path: string;
  status?: number;
  ms: number;
  error?: string;
  /** 1 for the first attempt, 2 and up for retries of a GET. */
  attempt?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_CLIENT_NAME = 'vscode-windmill-users';
export const DEFAULT_PAGE_SIZE = 100;
/** Safety stop for listAll*: a server that ignores `page` must not make us loop forever. */
const MAX_PAGES = 1000;

type Method = 'GET' | 'POST' | 'DELETE';
type Query = Record<string, string | number | boolean | undefined>;

interface SendOptions {
  method: Method;
  /** Already encoded, starts with "/", relative to the API base, no query string. */
  path: string;
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  /** Send the Authorization header (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  ctx: RequestContext;
}

type Undici = typeof import('undici');
let undiciLoading: Promise<Undici> | undefined;

/** The one place undici is loaded: on the first request, never at module load. */
function loadUndici(): Promise<Undici> {
  undiciLoading ??= import('undici').catch((e: unknown) => {
    undiciLoading = undefined;
    throw e;
  });
  return undiciLoading;
}

/** Marks the abort that our own timer caused, to tell "timed out" from "cancelled by the caller". */
class TimeoutReason extends Error {
  constructor() {
    super('The request timed out.');
    this.name = 'TimeoutError';
  }
}

/** One encoded path segment; an empty (or dot) segment would change the meaning of the path. */
function seg(value: string, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`The ${what} must not be empty.`);
  if (value === '.' || value === '..') throw new TypeError(`"${value}" is not a valid ${what}.`);
  return encodeURIComponent(value);
}

export class WindmillClient {
  readonly apiBase: string;
  private readonly host: string;
  private readonly token?: string;
  private readonly dispatcher?: Dispatcher;
  private readonly getDispatcher?: () => Promise<Dispatcher | undefined>;
  private readonly timeoutMs: number;
  private readonly clientName: string;
  private readonly onRequest?: (info: RequestLogInfo) => void;
  private readonly retry: Required<RetryOptions>;

  constructor(opts: ClientOptions) {
    this.apiBase = `${normalizeInstanceUrl(opts.remote)}/api`;
    this.host = new URL(this.apiBase).host;
    if (opts.token) this.token = opts.token;
    if (opts.dispatcher) this.dispatcher = opts.dispatcher;
    else if (opts.getDispatcher) this.getDispatcher = opts.getDispatcher;
    this.timeoutMs = opts.timeoutMs !== undefined && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_TIMEOUT_MS;
    this.clientName = opts.clientName || DEFAULT_CLIENT_NAME;
    if (opts.onRequest) this.onRequest = opts.onRequest;
    this.retry = resolveRetry(opts.retry, this.timeoutMs);
  }

  /** The retry settings in effect (defaults filled in). */
  get retryOptions(): Readonly<Required<RetryOptions>> {
    return { ...this.retry };
  }

  // -------------------------------------------------------------------------------------------
  // Instance and identity

  async version(o?: CallOptions): Promise<VersionInfo> {
    const res = await this.send({ method: 'GET', path: '/version', auth: false, signal: o?.signal });
    if (isHtml(res)) throw new WindmillProtocolError({ ...res.ctx, detail: 'an HTML page instead of a version' });
    return parseVersion(res.text, res.ctx);
  }

  async whoami(o?: CallOptions): Promise<GlobalUserInfo> {
    const { data, ctx } = await this.getJson({ method: 'GET', path: '/users/whoami', signal: o?.signal });
    return parseGlobalUser(data, ctx);
  }

  async workspaceWhoami(ws: string, o?: CallOptions): Promise<Member> {
    const { data, ctx } = await this.getJson({ method: 'GET', path: `/w/${seg(ws, 'workspace id')}/users/whoami`, signal: o?.signal });
    return parseMember(data, ctx, ws);
  }

  async workspaceExists(ws: string, o?: CallOptions): Promise<boolean> {
    if (ws === '') throw new TypeError('The workspace id must not be empty.');
    const { data, ctx } = await this.getJson({ method: 'POST', path: '/workspaces/exists', body: { id: ws }, signal: o?.signal });
    return parseBoolean(data, ctx);
  }

  // -------------------------------------------------------------------------------------------
  // Workspace members

  async listMembers(ws: string, o?: CallOptions): Promise<Member[]> {
    const { data, ctx } = await this.getJson({ method: 'GET', path: `/w/${seg(ws, 'workspace id')}/users/list`, signal: o?.signal });
    return parseMembers(data, ctx, ws);
  }

  async getMember(ws: string, username: string, o?: CallOptions): Promise<Member> {
    const path = `/w/${seg(ws, 'workspace id')}/users/get/${seg(username, 'username')}`;
    const { data, ctx } = await this.getJson({ method: 'GET', path, signal: o?.signal });
    return parseMember(data, ctx, ws);
  }

  async updateMember(ws: string, username: string, patch: { is_admin?: boolean; operator?: boolean; disabled?: boolean }, o?: CallOptions): Promise<void> {
    const path = `/w/${seg(ws, 'workspace id')}/users/update/${seg(username, 'username')}`;
    await this.sendText({ method: 'POST', path, body: pick(patch, ['is_admin', 'operator', 'disabled']), signal: o?.signal });
  }

  async removeMember(ws: string, username: string, o?: CallOptions): Promise<void> {
    const path = `/w/${seg(ws, 'workspace id')}/users/delete/${seg(username, 'username')}`;
    await this.sendText({ method: 'DELETE', path, signal: o?.signal });
  }

  async addUserToWorkspace(ws: string, body: { email: string; is_admin: boolean; operator: boolean; username?: string }, o?: CallOptions): Promise<void> {
    const path = `/w/${seg(ws, 'workspace id')}/workspaces/add_user`;
    await this.sendText({ method: 'POST', path, body: pick(body, ['email', 'is_admin', 'operator', 'username']), signal: o?.signal });
  }

  async inviteUser(ws: string, body: { email: string; is_admin: boolean; operator: boolean }, o?: CallOptions): Promise<void> {
    const path = `/w/${seg(ws, 'workspace id')}/workspaces/invite_user`;
    await this.sendText({ method: 'POST', path, body: pick(body, ['email', 'is_admin', 'operator']), signal: o?.signal });
  }

  async listPendingInvites(ws: string, o?: CallOptions): Promise<Invite[]> {
    const { data, ctx } = await this.getJson({ method: 'GET', path: `/w/${seg(ws, 'workspace id')}/workspaces/list_pending_invites`, signal: o?.signal });
    return parseInvites(data, ctx);
  }

  /** The server deletes the invite only when email, is_admin and operator all match it. */
  async deleteInvite(ws: string, invite: Invite, o?: CallOptions): Promise<void> {
    const path = `/w/${seg(ws, 'workspace id')}/workspaces/delete_invite`;
    const body = { email: invite.email, is_admin: invite.is_admin, operator: invite.operator };
    await this.sendText({ method: 'POST', path, body, signal: o?.signal });
  }

  // -------------------------------------------------------------------------------------------
  // Instance users (superadmin)

  /** One page; pages start at 1 (Windmill reads page=0 as 1). */
  async listInstanceUsers(q?: { page?: number; perPage?: number; activeOnly?: boolean }, o?: CallOptions): Promise<GlobalUserInfo[]> {
    return (await this.instanceUsersPage(q, o)).items;
  }

  /** Pages 1..n until a short page. */
  async listAllInstanceUsers(o?: CallOptions & { perPage?: number }): Promise<GlobalUserInfo[]> {
    return this.collectPages((page, perPage) => this.instanceUsersPage({ page, perPage }, o), o?.perPage, (u) => u.email);
  }

  async createUser(body: { email: string; password: string; super_admin: boolean; name?: string; company?: string; skip_email?: boolean }, o?: CallOptions): Promise<void> {
    const payload = pick(body, ['email', 'password', 'super_admin', 'name', 'company', 'skip_email']);
    await this.sendText({ method: 'POST', path: '/users/create', body: payload, signal: o?.signal });
  }

  async updateInstanceUser(email: string, patch: { is_super_admin?: boolean; is_devops?: boolean; name?: string; disabled?: boolean }, o?: CallOptions): Promise<void> {
    const payload = pick(patch, ['is_super_admin', 'is_devops', 'name', 'disabled']);
    await this.sendText({ method: 'POST', path: `/users/update/${seg(email, 'email')}`, body: payload, signal: o?.signal });
  }

  /** Deletes the user from the whole instance. */
  async deleteUser(email: string, o?: CallOptions): Promise<void> {
    await this.sendText({ method: 'DELETE', path: `/users/delete/${seg(email, 'email')}`, signal: o?.signal });
  }

  async setPassword(email: string, password: string, o?: CallOptions): Promise<void> {
    await this.sendText({ method: 'POST', path: `/users/set_password_of/${seg(email, 'email')}`, body: { password }, signal: o?.signal });
  }

  async renameUser(email: string, newUsername: string, o?: CallOptions): Promise<void> {
    await this.sendText({ method: 'POST', path: `/users/rename/${seg(email, 'email')}`, body: { new_username: newUsername }, signal: o?.signal });
  }

  // -------------------------------------------------------------------------------------------
  // Tokens of the caller

  /** Answers 201 with the new token as text (shown once: the caller must keep it). */
  async createToken(body: { label?: string; expiration?: string; scopes?: string[]; workspace_id?: string; read_only?: boolean }, o?: CallOptions): Promise<string> {
    const payload = pick(body, ['label', 'expiration', 'scopes', 'workspace_id', 'read_only']);
    const res = await this.send({ method: 'POST', path: '/users/tokens/create', body: payload, signal: o?.signal });
    return tokenFromText(res);
  }

  async listTokens(q?: { page?: number; perPage?: number }, o?: CallOptions): Promise<TokenInfo[]> {
    return (await this.tokensPage(q, o)).items;
  }

  async listAllTokens(o?: CallOptions & { perPage?: number }): Promise<TokenInfo[]> {
    return this.collectPages((page, perPage) => this.tokensPage({ page, perPage }, o), o?.perPage, (t) => t.token_prefix);
  }

  async deleteToken(prefix: string, o?: CallOptions): Promise<void> {
    await this.sendText({ method: 'DELETE', path: `/users/tokens/delete/${seg(prefix, 'token prefix')}`, signal: o?.signal });
  }

  /** POST /auth/login without Authorization; answers the new session token as text. */
  async login(email: string, password: string, o?: CallOptions): Promise<string> {
    const res = await this.send({ method: 'POST', path: '/auth/login', body: { email, password }, auth: false, signal: o?.signal });
    return tokenFromText(res);
  }

  // -------------------------------------------------------------------------------------------
  // Paging

  private async instanceUsersPage(q: { page?: number; perPage?: number; activeOnly?: boolean } | undefined, o: CallOptions | undefined) {
    const query: Query = { ...pageQuery(q), active_only: q?.activeOnly };
    const { data, ctx } = await this.getJson({ method: 'GET', path: '/users/list_as_super_admin', query, signal: o?.signal });
    return { items: parseGlobalUsers(data, ctx), rawCount: (data as unknown[]).length };
  }

  private async tokensPage(q: { page?: number; perPage?: number } | undefined, o: CallOptions | undefined) {
    const query: Query = { exclude_ephemeral: true, ...pageQuery(q) };
    const { data, ctx } = await this.getJson({ method: 'GET', path: '/users/tokens/list', query, signal: o?.signal });
    return { items: parseTokens(data, ctx), rawCount: (data as unknown[]).length };
  }

  private async collectPages<T>(
    fetchPage: (page: number, perPage: number) => Promise<{ items: T[]; rawCount: number }>,
    perPageOpt: number | undefined,
    key: (item: T) => string,
  ): Promise<T[]> {
    const perPage = checkPositiveInt(perPageOpt ?? DEFAULT_PAGE_SIZE, 'perPage');
    const seen = new Set<string>();
    const all: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { items, rawCount } = await fetchPage(page, perPage);
      let added = 0;
      for (const item of items) {
        const k = key(item);
        if (seen.has(k)) continue;
        seen.add(k);
        all.push(item);
        added++;
      }
      // A short page ends the list; a page with nothing new means the server ignores `page`.
      if (rawCount < perPage || added === 0) break;
    }
    return all;
  }

  // -------------------------------------------------------------------------------------------
  // Transport

  /** A 2xx answer parsed as JSON; an HTML page, another content type or bad JSON is a protocol error. */
  private async getJson(o: SendOptions): Promise<{ data: unknown; ctx: RequestContext }> {
    const res = await this.send(o);
    const ct = res.contentType.toLowerCase();
    if (isHtml(res)) throw new WindmillProtocolError({ ...res.ctx, detail: 'an HTML page instead of JSON' });
    if (ct !== '' && !ct.includes('json')) {
      throw new WindmillProtocolError({ ...res.ctx, detail: `content type ${ct.split(';')[0].trim()} instead of JSON` });
    }
    try {
      return { data: JSON.parse(res.text) as unknown, ctx: res.ctx };
    } catch {
      throw new WindmillProtocolError({ ...res.ctx, detail: 'the JSON could not be parsed' });
    }
  }

  /** A 2xx text answer that is ignored; an HTML page means the request never reached Windmill's API. */
  private async sendText(o: SendOptions): Promise<string> {
    const res = await this.send(o);
    if (isHtml(res)) throw new WindmillProtocolError({ ...res.ctx, detail: 'an HTML page instead of an API answer' });
    return res.text;
  }

  /**
   * The single entry point of every request. GETs are retried (bounded, with backoff and jitter,
   * Retry-After honoured) on transient failures; POST and DELETE are sent exactly once.
   */
  private async send(o: SendOptions): Promise<RawResponse> {
    const r = this.retry;
    if (o.method !== 'GET' || r.attempts <= 1) return this.sendOnce(o, 1, this.timeoutMs);
    const deadline = performance.now() + r.totalTimeoutMs;
    // An attempt with less time than this left is not worth starting.
    const minAttemptMs = Math.min(500, this.timeoutMs / 2);
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - performance.now();
      try {
        return await this.sendOnce(o, attempt, Math.max(1, Math.min(this.timeoutMs, remaining)));
      } catch (e) {
        if (!(e instanceof WindmillError)) throw e;
        e.attempts = attempt;
        const wait = attempt < r.attempts ? this.retryDelay(e, attempt) : undefined;
        if (wait === undefined || performance.now() + wait + minAttemptMs > deadline) throw e;
        await waitOrAbort(wait, o.signal, () => {
          const aborted = new WindmillNetworkError({ method: e.method, path: e.path, host: e.host, kind: 'aborted' });
          aborted.attempts = attempt;
          return aborted;
        });
      }
    }
  }

  /** How long to wait before the next attempt of a GET, or undefined when it must not be retried. */
  private retryDelay(e: WindmillError, attempt: number): number | undefined {
    if (e instanceof WindmillNetworkError) {
      return RETRY_NETWORK_KINDS.has(e.kind) ? backoffMs(this.retry, attempt) : undefined;
    }
    if (e instanceof WindmillHttpError && RETRY_STATUSES.has(e.status)) {
      if (e.retryAfterMs === undefined) return backoffMs(this.retry, attempt);
      return e.retryAfterMs <= this.retry.maxRetryAfterMs ? e.retryAfterMs : undefined;
    }
    return undefined;
  }

  private async sendOnce(o: SendOptions, attempt: number, timeoutMs: number): Promise<RawResponse> {
    const ctx: RequestContext = { method: o.method, path: o.path, host: this.host };
    const started = performance.now();
    const log = (status: number | undefined, error?: string) => {
      if (!this.onRequest) return;
      const info: RequestLogInfo = { method: o.method, path: o.path, ms: Math.round(performance.now() - started), attempt };
      if (status !== undefined) info.status = status;
      if (error !== undefined) info.error = this.redact(error);
      try {
        this.onRequest(info);
      } catch {
        // a failing logger must not fail the request
      }
    };

    const caller = o.signal;
    if (caller?.aborted) {
      const err = new WindmillNetworkError({ ...ctx, kind: 'aborted' });
      log(undefined, err.message);
      throw err;
    }

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new TimeoutReason());
    }, timeoutMs);
    // Set once undici has the request: from then on a write may reach the server.
    let handedOver = false;
    const onCallerAbort = () => controller.abort(caller?.reason);
    caller?.addEventListener('abort', onCallerAbort, { once: true });

    try {
      let status: number;
      let contentType: string;
      let text: string;
      let retryAfter: string | undefined;
      let location: string | undefined;
      try {
        const { request } = await loadUndici();
        const dispatcher = this.dispatcher ?? (this.getDispatcher ? await this.getDispatcher() : undefined);
        controller.signal.throwIfAborted();
        const headers: Record<string, string> = {
          accept: 'application/json, text/plain;q=0.9, */*;q=0.1',
          'x-windmill-client': this.clientName,
        };
        if (o.auth !== false && this.token) headers.authorization = `Bearer ${this.token}`;
        let body: string | undefined;
        if (o.body !== undefined) {
          body = JSON.stringify(o.body);
          headers['content-type'] = 'application/json';
        }
        const url = this.apiBase + o.path + queryString(o.query);
        handedOver = true;
        const res = await request(url, {
          method: o.method,
          headers,
          body,
          signal: controller.signal,
          ...(dispatcher ? { dispatcher } : {}),
        });
        status = res.statusCode;
        contentType = headerValue(res.headers['content-type']) ?? '';
        retryAfter = headerValue(res.headers['retry-after']);
        location = headerValue(res.headers.location);
        // Always read the body to the end: undici reuses the connection only then.
        text = await res.body.text();
      } catch (e) {
        const err = this.networkError(e, ctx, timedOut, caller, handedOver);
        log(undefined, err.message);
        throw err;
      }

      if (status >= 200 && status < 300) {
        log(status);
        return { status, contentType, text, ctx };
      }
      const err = new WindmillHttpError({
        ...ctx,
        status,
        serverMessage: this.serverMessage(status, contentType, text, location),
        ...(retryAfter !== undefined ? { retryAfterMs: parseRetryAfter(retryAfter) } : {}),
      });
      log(status, err.message);
      throw err;
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    }
  }

  private networkError(e: unknown, ctx: RequestContext, timedOut: boolean, caller: AbortSignal | undefined, handedOver: boolean): WindmillNetworkError {
    // A write whose request may have reached the server: its outcome is unknown. Known not to have
    // been sent: nothing handed to undici yet, or a failure to connect (refused, DNS, TLS, connect timeout).
    const unknownIfWrite = (kind: NetworkErrorKind, code?: string) =>
      isWriteMethod(ctx.method) && handedOver && !NOT_SENT_KINDS.has(kind) && code !== 'UND_ERR_CONNECT_TIMEOUT';
    if (timedOut) {
      const code = classifyNetworkError(e).code === 'UND_ERR_CONNECT_TIMEOUT' ? 'UND_ERR_CONNECT_TIMEOUT' : undefined;
      return new WindmillNetworkError({ ...ctx, kind: 'timeout', timeoutMs: this.timeoutMs, outcomeUnknown: unknownIfWrite('timeout', code) });
    }
    if (caller?.aborted) return new WindmillNetworkError({ ...ctx, kind: 'aborted', outcomeUnknown: unknownIfWrite('aborted') });
    const { kind, code } = classifyNetworkError(e);
    const detail = e instanceof Error ? this.redact(e.message).slice(0, 300) : undefined;
    return new WindmillNetworkError({ ...ctx, kind, code, detail, cause: this.safeCause(e), outcomeUnknown: unknownIfWrite(kind, code) });
  }

  /**
   * The original error as cause, unless the token is anywhere in it (message, stack, own properties
   * such as headers, its own cause chain): then a redacted copy of its message.
   */
  private safeCause(e: unknown): unknown {
    if (!this.token || !(e instanceof Error)) return e;
    if (!inspect(e, { depth: 6, showHidden: false }).includes(this.token)) return e;
    const copy = new Error(this.redact(e.message));
    copy.name = e.name;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') (copy as Error & { code?: string }).code = code;
    return copy;
  }

  private serverMessage(status: number, contentType: string, text: string, location: string | undefined): string {
    if (status >= 300 && status < 400) return location ? `Redirected to ${this.redact(location).slice(0, 300)}` : 'Redirected';
    if (isHtml({ contentType, text })) return 'HTML error page';
    // eslint-disable-next-line no-control-regex
    let msg = this.redact(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ' ').trim();
    if (/json/i.test(contentType)) msg = jsonErrorText(msg);
    return msg.length > 500 ? `${msg.slice(0, 500)}…` : msg;
  }

  private redact(s: string): string {
    return this.token && this.token.length >= 4 ? s.split(this.token).join('[token]') : s;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Network failures after which a GET is tried again. */
const RETRY_NETWORK_KINDS: ReadonlySet<NetworkErrorKind> = new Set<NetworkErrorKind>(['refused', 'reset', 'timeout']);
/** HTTP statuses after which a GET is tried again. */
const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);
/** Failures that happen before a request is written: a write that failed so was not carried out. */
const NOT_SENT_KINDS: ReadonlySet<NetworkErrorKind> = new Set<NetworkErrorKind>(['refused', 'dns', 'tls']);
const MAX_ATTEMPTS = 10;

function finiteAtLeast(v: unknown, min: number, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.max(min, v) : fallback;
}

function resolveRetry(r: Partial<RetryOptions> | undefined, timeoutMs: number): Required<RetryOptions> {
  const attempts = Math.min(MAX_ATTEMPTS, Math.floor(finiteAtLeast(r?.attempts, 1, DEFAULT_RETRY.attempts)));
  const baseDelayMs = finiteAtLeast(r?.baseDelayMs, 0, DEFAULT_RETRY.baseDelayMs);
  const maxDelayMs = Math.max(baseDelayMs, finiteAtLeast(r?.maxDelayMs, 0, DEFAULT_RETRY.maxDelayMs));
  const maxRetryAfterMs = finiteAtLeast(r?.maxRetryAfterMs, 0, DEFAULT_RETRY.maxRetryAfterMs);
  const totalTimeoutMs = finiteAtLeast(r?.totalTimeoutMs, 1, 2 * timeoutMs);
  return { attempts, baseDelayMs, maxDelayMs, maxRetryAfterMs, totalTimeoutMs };
}

/** Exponential backoff with "equal jitter": between half and all of min(max, base * 2^(n-1)). */
export function backoffMs(r: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(r.maxDelayMs, r.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** Waits `ms`; an abort of `signal` (before or during the wait) rejects at once with makeError(). */
export function waitOrAbort(ms: number, signal: AbortSignal | undefined, makeError: () => Error): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(makeError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(makeError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isHtml(res: Pick<RawResponse, 'contentType' | 'text'>): boolean {
  return /text\/html/i.test(res.contentType) || looksLikeHtml(res.text);
}

/** Validates the text body of /users/tokens/create and /auth/login; never quotes it (it is a secret). */
function tokenFromText(res: RawResponse): string {
  if (isHtml(res)) throw new WindmillProtocolError({ ...res.ctx, detail: 'an HTML page instead of a token' });
  let token = res.text.trim();
  if (/json/i.test(res.contentType)) {
    try {
      const v = JSON.parse(token) as unknown;
      if (typeof v === 'string') token = v.trim();
      else throw new WindmillProtocolError({ ...res.ctx, detail: `${describeJson(v)} instead of a token` });
    } catch (e) {
      if (e instanceof WindmillProtocolError) throw e;
      throw new WindmillProtocolError({ ...res.ctx, detail: 'the JSON could not be parsed' });
    }
  }
  if (token === '' || /\s/.test(token) || token.length > 1024) {
    throw new WindmillProtocolError({ ...res.ctx, detail: 'the answer is not a token' });
  }
  return token;
}

/** A JSON error body (a proxy, or a future server): its `error.message`/`message`, else the text. */
function jsonErrorText(text: string): string {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'object' && v !== null) {
      const r = v as Record<string, unknown>;
      const inner = typeof r.error === 'object' && r.error !== null ? (r.error as Record<string, unknown>).message : r.error;
      const m = typeof inner === 'string' ? inner : typeof r.message === 'string' ? r.message : undefined;
      if (m) return m.trim();
    }
  } catch {
    // not JSON after all: keep the text
  }
  return text;
}

function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

function checkPositiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be an integer >= 1, got ${n}.`);
  return n;
}

function pageQuery(q: { page?: number; perPage?: number } | undefined): Query {
  return {
    page: checkPositiveInt(q?.page ?? 1, 'page'),
    per_page: checkPositiveInt(q?.perPage ?? DEFAULT_PAGE_SIZE, 'perPage'),
  };
}

function queryString(q: Query | undefined): string {
  if (!q) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.append(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Retry-After: delay in seconds or an HTTP date; undefined when unparsable. */
export function parseRetryAfter(v: string, now = Date.now()): number | undefined {
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'UND_ERR_PRX_TLS',
]);

function codeKind(code: string): NetworkErrorKind | undefined {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') return 'dns';
  if (TLS_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) return 'tls';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') return 'timeout';
  if (code === 'UND_ERR_ABORTED' || code === 'UND_ERR_ABORT' || code === 'ABORT_ERR') return 'aborted';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED' || code === 'ECONNABORTED') return 'reset';
  return undefined;
}

/** Maps undici/Node errors (and their cause chain, and AggregateError members) to a kind. */
export function classifyNetworkError(e: unknown): { kind: NetworkErrorKind; code?: string } {
  const queue: unknown[] = [e];
  const seen = new Set<unknown>();
  let firstCode: string | undefined;
  let abortByName = false;
  while (queue.length > 0) {
    const cur = queue.shift();
    if (typeof cur !== 'object' || cur === null || seen.has(cur)) continue;
    seen.add(cur);
    const r = cur as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
    if (typeof r.code === 'string') {
      firstCode ??= r.code;
      const kind = codeKind(r.code);
      if (kind) return { kind, code: r.code };
    }
    if (r.name === 'AbortError') abortByName = true;
    if (r.name === 'TimeoutError') return { kind: 'timeout', ...(firstCode ? { code: firstCode } : {}) };
    if (r.cause !== undefined) queue.push(r.cause);
    if (Array.isArray(r.errors)) queue.push(...r.errors);
  }
  if (abortByName) return { kind: 'aborted', ...(firstCode ? { code: firstCode } : {}) };
  return { kind: 'other', ...(firstCode ? { code: firstCode } : {}) };
}
