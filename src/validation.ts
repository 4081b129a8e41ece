// Input validators for input boxes: each returns undefined when the value is valid, else a clear
// message. Pure functions, no VS Code: usable from the client, the UI and the tests.

/** C0/C1 control characters, DEL, and the invisible bidi/format characters that can disguise text. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const BIDI_FORMAT = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

function hasControl(s: string): boolean {
  return CONTROL.test(s);
}

/** A zero-width joiner inside an emoji sequence (👨‍👩‍👧) is part of the emoji, not a disguise. */
const EMOJI_ZWJ = /(?<=\p{Extended_Pictographic}\ufe0f?)\u200d(?=\p{Extended_Pictographic})/gu;

/** Control characters, or invisible / bidirectional-text characters that could disguise a text. */
export function hasInvisible(s: string): boolean {
  return CONTROL.test(s) || BIDI_FORMAT.test(s.replace(EMOJI_ZWJ, ''));
}

/** Length in code points (an emoji counts once, not twice). */
function codePoints(s: string): number {
  let n = 0;
  for (const _c of s) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Instance URL

export function validateInstanceUrl(input: string): string | undefined {
  const s = (input ?? '').trim();
  if (s === '') return 'Enter the URL of your Windmill instance, e.g. https://windmill.example.com';
  if (s.length > 2048) return 'This URL is too long.';
  if (hasInvisible(s)) return 'The URL contains control or invisible characters.';
  if (/\s/u.test(s)) return 'The URL must not contain spaces.';
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(s)
      ? 'This is not a valid URL.'
      : 'Enter a full URL starting with https:// (or http://).';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Only http:// and https:// URLs are supported.';
  if (!url.hostname) return 'The URL has no host name.';
  if (url.username || url.password) return 'Do not put a user name or password in the URL.';
  if (url.search || s.includes('?')) return 'Remove the query string (the part after "?") from the URL.';
  if (url.hash || s.includes('#')) return 'Remove the fragment (the part after "#") from the URL.';
  if (/%(?:[01][0-9a-f]|7f)/i.test(url.pathname)) return 'The URL path contains an encoded control character.';
  return undefined;
}

/**
 * Origin + path without trailing slashes: "HTTPS://WM.example.com:443/" -> "https://wm.example.com".
 * Credentials, query and fragment are dropped. Idempotent. Throws a TypeError when `input` is not an
 * http(s) URL (check with validateInstanceUrl first for a friendly message).
 */
export function normalizeInstanceUrl(input: string): string {
  const s = (input ?? '').trim();
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw new TypeError('Not a valid instance URL.');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) {
    throw new TypeError('The instance URL must be an http:// or https:// URL with a host.');
  }
  const path = url.pathname.replace(/\/+$/, '');
  return url.origin + path;
}

/** True for localhost names and loopback addresses (127.0.0.0/8, ::1), e.g. to allow plain http. */
export function isLoopbackHost(host: string): boolean {
  let h = (host ?? '').trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (/^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return isLoopbackHost(h.slice(7));
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((p) => Number(p) <= 255);
}

// ---------------------------------------------------------------------------------------------
// People

/** A practical email check (what Windmill itself accepts is wider; this catches typos). */
export function validateEmail(input: string): string | undefined {
  const s = (input ?? '').trim();
  if (s === '') return 'Enter an email address.';
  if (s.length > 254) return 'This email address is too long (at most 254 characters).';
  if (hasInvisible(s)) return 'The email address contains control or invisible characters.';
  if (/\s/u.test(s)) return 'An email address cannot contain spaces.';
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return 'Enter an email address like name@example.com.';
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.includes('@')) return 'An email address has exactly one "@".';
  if (local.length > 64) return 'The part before "@" is too long (at most 64 characters).';
  if (/[<>()[\]\\,;:"/]/.test(local)) return 'The part before "@" contains characters that are not allowed.';
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return 'The part before "@" has a misplaced dot.';
  if (!/^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+$/u.test(domain)) {
    return 'The domain after "@" is not valid (e.g. example.com).';
  }
  return undefined;
}

/** Windmill usernames: letters, digits, "_" and "-" (the server derives them from emails the same way). */
export function validateUsername(input: string): string | undefined {
  const s = input ?? '';
  if (s.trim() === '') return 'Enter a username.';
  if (hasInvisible(s)) return 'The username contains control or invisible characters.';
  if (s !== s.trim()) return 'The username cannot start or end with a space.';
  if (s.length > 50) return 'The username is too long (at most 50 characters).';
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return 'Use only letters a-z, digits, "_" and "-" in a username.';
  return undefined;
}

/** Windmill workspace ids: lowercase letters, digits, "-" and "_", 1 to 50 characters. */
export function validateWorkspaceId(input: string): string | undefined {
  const s = input ?? '';
  if (s.trim() === '') return 'Enter a workspace id.';
  if (hasInvisible(s)) return 'The workspace id contains control or invisible characters.';
  if (s !== s.trim()) return 'The workspace id cannot start or end with a space.';
  if (s.length > 50) return 'The workspace id is too long (at most 50 characters).';
  if (!/^[a-z0-9_-]+$/.test(s)) return 'A workspace id uses only lowercase letters, digits, "-" and "_".';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Secrets and tokens

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

/**
 * Empty is allowed (the extension then generates one). Any text of 8 to 256 characters without
 * control or invisible (bidi, zero-width) characters and without surrounding spaces: a password
 * must be typeable again at the login form.
 */
export function validatePassword(input: string): string | undefined {
  const s = input ?? '';
  if (s === '') return undefined;
  if (hasControl(s)) return 'The password contains control characters.';
  if (hasInvisible(s)) return 'The password contains invisible characters (e.g. a right-to-left mark).';
  if (s !== s.trim()) return 'The password cannot start or end with a space.';
  if (codePoints(s) < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters, or leave empty to generate one.`;
  if (codePoints(s) > MAX_PASSWORD_LENGTH) return `The password is too long (at most ${MAX_PASSWORD_LENGTH} characters).`;
  return undefined;
}

export const MAX_TOKEN_LABEL_LENGTH = 100;

/** Optional: empty is valid; otherwise visible text (not only spaces) of at most 100 characters. */
export function validateTokenLabel(input: string): string | undefined {
  const s = input ?? '';
  if (s === '') return undefined;
  if (s.trim() === '') return 'The label cannot be only spaces (leave it empty for no label).';
  if (hasInvisible(s)) return 'The label contains control or invisible characters.';
  if (codePoints(s) > MAX_TOKEN_LABEL_LENGTH) return `The label is too long (at most ${MAX_TOKEN_LABEL_LENGTH} characters).`;
  return undefined;
}

/** A pasted Windmill token: no whitespace, printable ASCII, plausible length (Windmill's are 32). */
export function validateToken(input: string): string | undefined {
  const s = (input ?? '').trim();
  if (s === '') return 'Paste a Windmill token.';
  if (/\s/u.test(s)) return 'A token cannot contain spaces or line breaks.';
  if (!/^[\x21-\x7e]+$/.test(s)) return 'A token contains only plain ASCII characters.';
  if (s.length < 16) return 'This is too short to be a Windmill token.';
  if (s.length > 1024) return 'This is too long to be a Windmill token.';
  return undefined;
}

/**
 * "YYYY-MM-DD" -> the end of that day in UTC (23:59:59.999Z), or a message. The date must exist
 * (no 2025-02-30) and lie in the future. `now` is injectable for tests.
 */
export function parseExpirationDate(input: string, now: Date = new Date()): Date | string {
  const s = (input ?? '').trim();
  if (s === '') return 'Enter a date as YYYY-MM-DD.';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return 'Enter the date as YYYY-MM-DD, e.g. 2030-12-31.';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d, 23, 59, 59, 999));
  if (mo < 1 || mo > 12 || date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return `${s} is not a real date.`;
  }
  if (date.getTime() <= now.getTime()) return 'The expiration date must be in the future.';
  return date;
}
