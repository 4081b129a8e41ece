// The loopback half of "Sign In with Browser": Windmill's `/user/cli?port=P` page creates a token and
// redirects the browser to `http://localhost:P?token=<t>&workspace=<ws>`. This server receives that one
// redirect. Unlike the wmill CLI it listens on 127.0.0.1 only, accepts exactly one well-formed
// callback, then stops listening; it gives up after a timeout or when the caller aborts.
// VS Code-free. Nothing here logs, and no message or page ever contains the token.
import * as http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { normalizeInstanceUrl } from '../validation';

export type SignInErrorKind = 'timeout' | 'cancelled' | 'listen';

/** Why a browser sign-in ended without a token. The message never contains a token. */
export class SignInError extends Error {
  readonly kind: SignInErrorKind;

  constructor(kind: SignInErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignInError';
    this.kind = kind;
  }
}

export function isSignInError(e: unknown): e is SignInError {
  return e instanceof SignInError;
}

export interface SignInCallback {
  /** The token Windmill created (label `cli-<username>`). Not yet verified: check it with whoami. */
  token: string;
  /** The workspace the person picked on the Windmill page, when it sent one. */
  workspace?: string;
}

export interface CallbackServerOptions {
  /** How long to wait for the browser; then `result` rejects with kind 'timeout'. */
  timeoutMs: number;
  /** Aborting rejects `result` with kind 'cancelled' and closes the listener. */
  signal?: AbortSignal;
  /** Only loopback is allowed; the option exists to make that explicit. */
  host?: '127.0.0.1';
}

export interface CallbackServer {
  /** The port to put in `{remote}user/cli?port=P`. */
  readonly port: number;
  /** The address actually listened on (always 127.0.0.1). */
  readonly host: string;
  /** The one accepted callback; rejects with a SignInError on timeout, abort or close(). */
  readonly result: Promise<SignInCallback>;
  /** Stops listening (idempotent). If no callback arrived yet, `result` rejects as 'cancelled'. */
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
/** Host names a legitimate redirect can carry; anything else (e.g. DNS rebinding) is refused. */
const ALLOWED_HOSTNAMES = new Set(['localhost', '127.0.0.1']);
/** Windmill tokens are short alphanumeric strings; this is generous but excludes anything odd. */
const TOKEN_RE = /^[A-Za-z0-9._~+/=-]{1,1024}$/;
const WORKSPACE_RE = /^[A-Za-z0-9_-]{1,128}$/;

/** Puts the token-bearing URL out of the address bar once the page has loaded. */
const CLEAN_URL_SCRIPT = "history.replaceState(null, '', '/');";
const CLEAN_URL_HASH = createHash('sha256').update(CLEAN_URL_SCRIPT).digest('base64');

const SUCCESS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Signed in to Windmill</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style>
</head>
<body>
<h1>Signed in to Windmill</h1>
<p>Signed in to Windmill — you can close this tab and return to VS Code.</p>
<script>${CLEAN_URL_SCRIPT}</script>
</body>
</html>
`;

const SUCCESS_HEADERS: http.OutgoingHttpHeaders = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${CLEAN_URL_HASH}'`,
  Connection: 'close',
};

/** `{remote}user/cli?port=P`, the Windmill page that asks the person to authorize a CLI token. */
export function buildSignInUrl(remote: string, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`Invalid port ${port}.`);
  // normalizeInstanceUrl drops credentials, query and fragment, and throws a TypeError for a non-http(s) remote.
  const url = new URL('user/cli', `${normalizeInstanceUrl(remote)}/`);
  url.searchParams.set('port', String(port));
  return url.toString();
}

function minutes(ms: number): string {
  if (ms < 60_000) {
    const sec = Math.max(1, Math.round(ms / 1000));
    return sec === 1 ? '1 second' : `${sec} seconds`;
  }
  const m = Math.round(ms / 60_000);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

type Verdict = { ok: true; callback: SignInCallback } | { ok: false; status: number; text: string };

/** Decides whether one request is the sign-in callback. Never puts request data into `text`. */
function judge(req: http.IncomingMessage): Verdict {
  if (req.method !== 'GET') return { ok: false, status: 405, text: 'Only GET is accepted here.' };
  const hostHeader = req.headers.host;
  if (!hostHeader) return { ok: false, status: 400, text: 'Missing Host header.' };
  let url: URL;
  try {
    url = new URL(req.url ?? '/', `http://${hostHeader}`);
  } catch {
    return { ok: false, status: 400, text: 'Bad request.' };
  }
  if (!ALLOWED_HOSTNAMES.has(url.hostname)) return { ok: false, status: 400, text: 'Unexpected Host.' };
  const tokens = url.searchParams.getAll('token');
  if (tokens.length === 0) return { ok: false, status: 404, text: 'Not found.' };
  const workspaces = url.searchParams.getAll('workspace');
  const token = tokens[0];
  if (tokens.length !== 1 || !TOKEN_RE.test(token)) return { ok: false, status: 400, text: 'Invalid sign-in callback.' };
  if (workspaces.length > 1 || (workspaces.length === 1 && workspaces[0] !== '' && !WORKSPACE_RE.test(workspaces[0]))) {
    return { ok: false, status: 400, text: 'Invalid sign-in callback.' };
  }
  // `host` and `scheme` may come along (Windmill's page accepts them); they are ignored.
  const workspace = workspaces[0] || undefined;
  return { ok: true, callback: workspace === undefined ? { token } : { token, workspace } };
}

/**
 * Starts the loopback listener. Resolves once it listens; `result` then settles exactly once.
 * Rejects with a SignInError (kind 'cancelled') if `signal` is already aborted, (kind 'listen') if
 * 127.0.0.1 cannot be bound.
 */
export async function startCallbackServer(opts: CallbackServerOptions): Promise<CallbackServer> {
  const host = opts.host ?? LOOPBACK;
  if (host !== LOOPBACK) throw new TypeError('The sign-in callback listens on 127.0.0.1 only.');
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) throw new RangeError('timeoutMs must be a positive number.');
  const { signal } = opts;
  if (signal?.aborted) throw new SignInError('cancelled', 'Sign-in was cancelled.');

  let done = false;
  let resolveResult!: (cb: SignInCallback) => void;
  let rejectResult!: (e: SignInError) => void;
  const result = new Promise<SignInCallback>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  // A caller that closes without awaiting `result` must not crash the process with an unhandled rejection.
  result.catch(() => undefined);

  const server = http.createServer((req, res) => {
    if (done) {
      // A request on a connection opened before the first callback won: no answer.
      req.socket.destroy();
      return;
    }
    const verdict = judge(req);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(verdict.text);
      return;
    }
    res.writeHead(200, SUCCESS_HEADERS);
    res.end(SUCCESS_PAGE);
    res.on('close', () => server.closeIdleConnections());
    settle(() => resolveResult(verdict.callback), false);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 1_000;
  server.maxHeadersCount = 100;

  // Set once listening; settle() clears it.
  const timing: { timer?: NodeJS.Timeout } = {};
  let closing: Promise<void> | undefined;
  const onAbort = () => settle(() => rejectResult(new SignInError('cancelled', 'Sign-in was cancelled.')), true);

  function shutdown(dropConnections: boolean): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      if (dropConnections) server.closeAllConnections();
      else server.closeIdleConnections();
    });
    return closing;
  }

  function settle(action: () => void, dropConnections: boolean): void {
    if (done) return;
    done = true;
    clearTimeout(timing.timer);
    signal?.removeEventListener('abort', onAbort);
    action();
    void shutdown(dropConnections);
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(new SignInError('listen', `Could not listen on ${LOOPBACK} for the browser sign-in (${err.code ?? 'error'}).`, { cause: err }));
    };
    server.once('error', onError);
    server.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // Errors on an individual connection (resets, parse errors) never end the wait.
  server.on('error', () => undefined);
  server.on('clientError', (_err, socket) => socket.destroy());

  const address = server.address() as AddressInfo;
  timing.timer = setTimeout(() => {
    settle(() => rejectResult(new SignInError('timeout', `No sign-in arrived from the browser within ${minutes(opts.timeoutMs)}.`)), true);
  }, Math.min(opts.timeoutMs, 2_147_483_647));
  timing.timer.unref();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();

  return {
    port: address.port,
    host: address.address,
    result,
    close: () => {
      settle(() => rejectResult(new SignInError('cancelled', 'Sign-in was cancelled.')), true);
      return shutdown(true);
    },
  };
}
