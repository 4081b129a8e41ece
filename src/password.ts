// Strong generated passwords for new users (the official CLI makes 5 characters with Math.random).
import { randomInt } from 'node:crypto';

/**
 * 70 symbols: no look-alikes (0/O, 1/l/I), and nothing that troubles pasting into a URL, a quoted
 * string or a form (no quotes, backslash, space, $ ` & ? # % / < >).
 */
export const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.,:;+=!@*~^';
/**
 * The first character is a letter or digit: a password saved to the bulk run's secrets CSV (written
 * verbatim) must not start with = + - @, which spreadsheets read as a formula.
 */
const FIRST_ALPHABET = PASSWORD_ALPHABET.replace(/[^A-Za-z0-9]/g, '');
export const MIN_GENERATED_LENGTH = 20;
export const DEFAULT_GENERATED_LENGTH = 24;
const MAX_GENERATED_LENGTH = 256;

/** `length` characters (at least 20, at most 256) drawn uniformly with node:crypto's unbiased randomInt. */
export function generatePassword(length: number = DEFAULT_GENERATED_LENGTH): string {
  const n = Number.isFinite(length) ? Math.min(MAX_GENERATED_LENGTH, Math.max(MIN_GENERATED_LENGTH, Math.floor(length))) : DEFAULT_GENERATED_LENGTH;
  let out = FIRST_ALPHABET[randomInt(FIRST_ALPHABET.length)];
  for (let i = 1; i < n; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}
