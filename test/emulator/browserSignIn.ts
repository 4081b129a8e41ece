// A stand-in for Windmill's browser sign-in page (`/user/cli?port=P`). The real page asks the person
// to authorize, creates a token labelled `cli-<username>` and redirects the browser to
// `http://localhost:P?token=<t>&workspace=<ws>`. This one authorizes at once and answers the 302, so
// a test's fetch (redirect: 'follow') lands on the extension's loopback callback server.
// Test fixture only; the emulator mounts it (serveCliSignIn).
import type * as http from 'node:http';
import { DEMO_WORKSPACE, SUPERADMIN } from './seed';
import type { EmulatorState } from './emulator';

export const CLI_SIGN_IN_PATH = '/user/cli';

/**
 * Handles `GET /user/cli?port=P` (the caller checks the method). Returns false when `url` is not that
 * page, so the caller can go on routing; true when it answered (302, or 400 for a bad port).
 */
export function handleCliSignIn(url: URL, res: http.ServerResponse, issueToken: () => string, workspace: string): boolean {
  const pathname = url.pathname.replace(/\/+$/, '');
  if (pathname !== CLI_SIGN_IN_PATH) return false;
  const portText = url.searchParams.get('port') ?? '';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Missing or invalid port');
    return true;
  }
  const target = new URL(`http://localhost:${port}/`);
  target.searchParams.set('token', issueToken());
  target.searchParams.set('workspace', workspace);
  res.writeHead(302, { Location: target.toString(), 'Cache-Control': 'no-store' });
  res.end();
  return true;
}

/**
 * The emulator's mount of the page: `GET /user/cli?port=P` issues a real token (label
 * `cli-<username>`) for the seed superadmin and redirects with workspace `demo`. Tests (not the
 * real page) may add `as=<email>` to sign in as another instance user and `workspace=<id>` to
 * send another workspace. Returns false when the request is not for this page.
 */
export function serveCliSignIn(method: string, url: URL, res: http.ServerResponse, state: EmulatorState, newToken: () => string): boolean {
  if (method !== 'GET' || url.pathname.replace(/\/+$/, '') !== CLI_SIGN_IN_PATH) return false;
  const email = (url.searchParams.get('as') ?? SUPERADMIN.email).toLowerCase();
  const user = state.users.get(email);
  if (!user) {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`Unknown user ${email}`);
    return true;
  }
  const issue = (): string => {
    let token = newToken();
    while (state.tokens.has(token)) token = newToken();
    const now = new Date().toISOString();
    state.tokens.set(token, { token, owner: user.email, label: `cli-${user.username}`, created_at: now, last_used_at: now, read_only: false });
    return token;
  };
  return handleCliSignIn(url, res, issue, url.searchParams.get('workspace') ?? DEMO_WORKSPACE);
}
