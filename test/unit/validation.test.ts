import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { generatePassword } from '../../src/password';
import {
  isLoopbackHost,
  normalizeInstanceUrl,
  parseExpirationDate,
  validateEmail,
  validateInstanceUrl,
  validatePassword,
  validateToken,
  validateTokenLabel,
  validateUsername,
  validateWorkspaceId,
} from '../../src/validation';

const LONG = 'a'.repeat(10_000);
const RTL = '\u202e'; // right-to-left override
const EMOJI = '😀';

/** Inputs every validator must refuse (with a message string), besides its own specifics. */
const HOSTILE_COMMON = ['', '   ', '\t', 'a\u0000b', 'a\nb', 'a\u001bb', `a${RTL}b`, LONG];

function valid(v: string | undefined, input: string): void {
  assert.equal(v, undefined, `expected valid: ${JSON.stringify(input.slice(0, 80))} -> ${v}`);
}
function invalid(v: string | undefined, input: string): void {
  assert.equal(typeof v, 'string', `expected a message for ${JSON.stringify(input.slice(0, 80))}`);
  assert.ok((v as string).length > 0 && (v as string).length < 200);
}

describe('validation', () => {
  describe('validateInstanceUrl', () => {
    it('accepts http(s) URLs with a host, trimmed', () => {
      for (const s of ['https://wm.example.com', 'https://wm.example.com/', ' http://localhost:8000 ', 'https://example.com/windmill', 'http://[::1]:8000', 'https://xn--bcher-kva.example']) {
        valid(validateInstanceUrl(s), s);
      }
    });
    it('refuses hostile and wrong input', () => {
      for (const s of [
        ...HOSTILE_COMMON,
        'wm.example.com',
        'ftp://wm.example.com',
        'javascript:alert(1)',
        'file:///etc/passwd',
        'https://user:pw@wm.example.com',
        'https://user@wm.example.com',
        'https://wm.example.com/?token=x',
        'https://wm.example.com/#x',
        'https://wm.example.com/?',
        'https:// wm.example.com',
        `https://wm.example.com/${RTL}`,
        'https://',
        `https://${'a'.repeat(3000)}.com`,
      ]) {
        invalid(validateInstanceUrl(s), s);
      }
    });
    it('says what to do when the scheme is missing', () => {
      assert.match(validateInstanceUrl('wm.example.com') ?? '', /https:\/\//);
    });
  });

  describe('normalizeInstanceUrl', () => {
    it('keeps origin + path without trailing slash', () => {
      assert.equal(normalizeInstanceUrl('https://wm.example.com/'), 'https://wm.example.com');
      assert.equal(normalizeInstanceUrl('  HTTPS://WM.Example.COM:443/ '), 'https://wm.example.com');
      assert.equal(normalizeInstanceUrl('http://localhost:8000/a/b//'), 'http://localhost:8000/a/b');
      assert.equal(normalizeInstanceUrl('https://u:p@wm.example.com/x?q=1#f'), 'https://wm.example.com/x');
      assert.equal(normalizeInstanceUrl('https://wm.example.com/a/../b/'), 'https://wm.example.com/b');
      assert.equal(normalizeInstanceUrl('https://wm.example.com/%2F/'), 'https://wm.example.com/%2F');
    });
    it('throws a TypeError for non-http(s) input', () => {
      for (const s of ['', 'nope', 'ftp://x', 'mailto:a@b.c']) assert.throws(() => normalizeInstanceUrl(s), TypeError, s);
    });
    it('is idempotent (property)', () => {
      fc.assert(
        fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (u) => {
          const once = normalizeInstanceUrl(u);
          assert.equal(normalizeInstanceUrl(once), once);
          assert.ok(!once.endsWith('/'));
          valid(validateInstanceUrl(once), once);
        }),
      );
    });
  });

  describe('isLoopbackHost', () => {
    it('recognizes loopback names and addresses', () => {
      for (const h of ['localhost', 'LOCALHOST', 'localhost.', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1']) {
        assert.ok(isLoopbackHost(h), h);
      }
    });
    it('refuses everything else', () => {
      for (const h of ['', 'example.com', 'localhost.example.com', '127.0.0.1.nip.io', '128.0.0.1', '127.0.0.256', '10.0.0.1', '::2', '0.0.0.0', LONG, `local${RTL}host`]) {
        assert.ok(!isLoopbackHost(h), h);
      }
    });
  });

  describe('validateEmail', () => {
    it('accepts ordinary and international addresses', () => {
      for (const s of ['a@b.co', 'first.last+tag@example.com', ' alice@example.com ', 'josé@exämple.de', 'user@sub-domain.example.io']) valid(validateEmail(s), s);
    });
    it('refuses hostile and malformed input', () => {
      for (const s of [
        ...HOSTILE_COMMON,
        'alice',
        '@example.com',
        'alice@',
        'a@b@c.com',
        'a b@c.com',
        'alice@localhost',
        'alice@-x.com',
        'alice@x..com',
        '.a@b.com',
        'a..b@c.com',
        'a/../b@c.com',
        'a%2F@c.com'.replace('%2F', '/'),
        `a@b.com${RTL}`,
        `${EMOJI}@${EMOJI}.com`,
        `${'a'.repeat(65)}@b.com`,
        `a@${'b'.repeat(250)}.com`,
      ]) {
        invalid(validateEmail(s), s);
      }
    });
  });

  describe('validateUsername', () => {
    it('accepts Windmill-like usernames', () => {
      for (const s of ['alice', 'bob_2', 'a-b', 'X']) valid(validateUsername(s), s);
    });
    it('refuses hostile input', () => {
      for (const s of [...HOSTILE_COMMON, ' alice', 'alice ', '../x', '..', 'a/b', 'a%2Fb', 'a@b', 'al ice', `ali${EMOJI}`, 'عليّ', `a${RTL}`, 'a'.repeat(51)]) {
        invalid(validateUsername(s), s);
      }
    });
  });

  describe('validateWorkspaceId', () => {
    it('accepts lowercase ids with digits, - and _', () => {
      for (const s of ['demo', 'admins', 'my-ws_2', 'a', 'a'.repeat(50)]) valid(validateWorkspaceId(s), s);
    });
    it('refuses hostile input', () => {
      for (const s of [...HOSTILE_COMMON, 'Demo', 'my ws', '../etc', '%2F', 'a/b', 'a@b', EMOJI, 'وركسبيس', `demo${RTL}`, 'a'.repeat(51), ' demo']) {
        invalid(validateWorkspaceId(s), s);
      }
    });
  });

  describe('validatePassword', () => {
    it('allows empty (generate) and ordinary passwords, including unicode', () => {
      for (const s of ['', 'correct horse battery', 'pässwörd-123', `${EMOJI.repeat(8)}`]) valid(validatePassword(s), s);
    });
    it('refuses short, padded, control and huge input', () => {
      for (const s of ['short', '1234567', ' leading-space', 'trailing-space ', 'abc\u0000defgh', 'abcdefgh\n', LONG, `${EMOJI.repeat(7)}`]) {
        invalid(validatePassword(s), s);
      }
    });
  });

  describe('validateTokenLabel', () => {
    it('is optional and allows unicode text', () => {
      for (const s of ['', 'ci', 'my laptop', 'déploiement 🚀', 'ラベル']) valid(validateTokenLabel(s), s);
    });
    it('refuses control characters, bidi overrides and over-long labels', () => {
      for (const s of ['a\u0000', 'a\nb', `a${RTL}b`, 'a'.repeat(101), LONG, EMOJI.repeat(101)]) invalid(validateTokenLabel(s), s);
      valid(validateTokenLabel(EMOJI.repeat(100)), '100 emoji');
    });
  });

  describe('validateToken', () => {
    it('accepts a plausible token, trimmed', () => {
      for (const s of ['abcdefghijklmnopqrstuvwxyz012345', '  abcdefghijklmnopqrstuvwxyz012345\n']) valid(validateToken(s), s);
    });
    it('refuses hostile input', () => {
      for (const s of ['', '   ', 'short', 'abc def ghi jkl mno pqr', `abcdefghijklmnop${EMOJI}`, `abcdefghijklmnopq${RTL}`, 'abcdefghijklmnop\u0000q', 'x'.repeat(10_000)]) {
        invalid(validateToken(s), s);
      }
    });
  });

  describe('parseExpirationDate', () => {
    const now = new Date('2025-06-15T12:00:00Z');
    it('returns the end of a real future day (UTC)', () => {
      const d = parseExpirationDate('2025-06-16', now);
      assert.ok(d instanceof Date);
      assert.equal(d.toISOString(), '2025-06-16T23:59:59.999Z');
      assert.ok(parseExpirationDate('2028-02-29', now) instanceof Date);
      assert.ok(parseExpirationDate(' 2030-01-01 ', now) instanceof Date);
    });
    it('today counts as the future until its end', () => {
      assert.ok(parseExpirationDate('2025-06-15', now) instanceof Date);
    });
    it('refuses past, impossible and malformed dates', () => {
      for (const s of ['', '2025-06-14', '2025-02-30', '2027-02-29', '2025-13-01', '2025-00-10', '2025-6-1', '06/16/2025', '2025-06-16T00:00:00Z', '０２０２５-06-16', LONG, `2030-01-01${RTL}`, '2030-01-01\u0000']) {
        const r = parseExpirationDate(s, now);
        assert.equal(typeof r, 'string', s.slice(0, 40));
      }
    });
  });

  describe('properties', () => {
    it('generated passwords pass validatePassword and have the asked length', () => {
      fc.assert(
        fc.property(fc.integer({ min: 20, max: 256 }), (n) => {
          const p = generatePassword(n);
          assert.equal(p.length, n);
          valid(validatePassword(p), p);
        }),
      );
    });
    it('no validator throws on arbitrary strings', () => {
      const validators = [validateEmail, validateInstanceUrl, validateUsername, validateWorkspaceId, validatePassword, validateTokenLabel, validateToken];
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
          for (const v of validators) {
            const r = v(s);
            assert.ok(r === undefined || typeof r === 'string');
          }
          const d = parseExpirationDate(s);
          assert.ok(d instanceof Date || typeof d === 'string');
          assert.equal(typeof isLoopbackHost(s), 'boolean');
        }),
      );
    });
  });
});
