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
          // An encoded control character in the path (%00..%1F, %7F) is refused on purpose.
          if (/%(?:[01][0-9a-f]|7f)/i.test(new URL(once).pathname)) invalid(validateInstanceUrl(once), once);
          else valid(validateInstanceUrl(once), once);
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

  describe('hostile input matrix: every validator, every category', () => {
    // For each validator, each hostile category with the inputs it takes in that validator's shape,
    // and whether the validator documents accepting them. Every call must return (never throw).
    type Check = (s: string) => string | undefined;
    const date: Check = (s) => {
      const r = parseExpirationDate(s, new Date('2025-06-15T12:00:00Z'));
      return r instanceof Date ? undefined : r;
    };
    const CATEGORIES = ['empty', 'whitespace', 'unicode', 'rtl', '10k', 'control', 'dotdot', 'pct2f', 'at', 'emoji'] as const;
    type Category = (typeof CATEGORIES)[number];
    type Case = [input: string, accepted: boolean];
    const ARABIC = 'مرحبا';
    const matrix: Record<string, { check: Check; cases: Record<Category, Case[]> }> = {
      email: {
        check: validateEmail,
        cases: {
          empty: [['', false]],
          whitespace: [['   ', false], ['\t\n', false], ['\u00a0', false]],
          unicode: [['josé@exämple.de', true], ['名前@例え.jp', true]],
          // RTL script is a real language (accepted); a bidi override disguises text (refused).
          rtl: [[`${ARABIC}@مثال.com`, true], [`a${RTL}moc.b@x.com`, false], ['a\u200f@x.com', false]],
          '10k': [[`${LONG}@x.com`, false], [`a@${LONG}.com`, false]],
          control: [['a\u0000@x.com', false], ['a@x.com\u0007', false], ['a\u001b[31m@x.com', false]],
          dotdot: [['../@x.com', false], ['a@../x.com', false], ['a@x..com', false]],
          // "%" is a legal character of the local part; "/" never is.
          pct2f: [['%2F@x.com', true], ['a@x%2F.com', false], ['a/b@x.com', false]],
          at: [['a@b@x.com', false], ['@x.com', false], ['a@', false], ['a@x.com/@y', false]],
          // Emoji local parts are legal international addresses (SMTPUTF8); emoji domains are refused.
          emoji: [[`${EMOJI}@x.com`, true], [`a@${EMOJI}.com`, false]],
        },
      },
      url: {
        check: validateInstanceUrl,
        cases: {
          empty: [['', false]],
          whitespace: [['  ', false], ['https://wm.example .com', false], ['https://wm.example.com/a b', false]],
          // International host names are fine (they are normalized to punycode).
          unicode: [['https://exämple.com', true]],
          rtl: [['https://مثال.com', true], [`https://wm.example.com/${RTL}`, false], [`https://wm${RTL}.example.com`, false]],
          '10k': [[`https://wm.example.com/${LONG}`, false]],
          control: [['https://wm.example.com/\u0000', false], ['https://wm.example.com/a%00b', false], ['https://wm.example.com/%1b', false]],
          // "." segments are resolved by URL parsing: the normalized URL has none left.
          dotdot: [['https://wm.example.com/../admin', true], ['../admin', false]],
          pct2f: [['https://wm.example.com/%2F', true], ['https%3A%2F%2Fwm.example.com', false]],
          // "@" before the host is a credential (and a classic phishing trick); in the path it is harmless.
          at: [['https://evil.example@wm.example.com', false], ['https://wm.example.com@evil.example', false], ['https://wm.example.com/@team', true]],
          emoji: [[`https://${EMOJI}.example.com`, true], [`https://wm.example.com/${EMOJI}`, true]],
        },
      },
      workspaceId: {
        check: validateWorkspaceId,
        cases: {
          empty: [['', false]],
          whitespace: [['  ', false], [' demo', false]],
          unicode: [['démo', false]],
          rtl: [[ARABIC, false], [`demo${RTL}`, false]],
          '10k': [[LONG, false]],
          control: [['de\u0000mo', false], ['demo\n', false]],
          dotdot: [['..', false], ['../admins', false]],
          pct2f: [['%2F', false], ['demo%2Fx', false]],
          at: [['demo@x', false], ['@', false]],
          emoji: [[EMOJI, false], [`demo${EMOJI}`, false]],
        },
      },
      username: {
        check: validateUsername,
        cases: {
          empty: [['', false]],
          whitespace: [['   ', false], ['alice ', false]],
          unicode: [['josé', false], ['名前', false]],
          rtl: [[ARABIC, false], [`alice${RTL}`, false]],
          '10k': [[LONG, false]],
          control: [['ali\u0000ce', false], ['alice\r', false]],
          dotdot: [['..', false], ['../admin', false]],
          pct2f: [['%2F', false], ['a%2Fb', false]],
          at: [['alice@x.com', false], ['@', false]],
          emoji: [[EMOJI, false]],
        },
      },
      label: {
        check: validateTokenLabel,
        cases: {
          empty: [['', true]],
          whitespace: [['   ', false], ['\t', false]],
          unicode: [['déploiement', true], ['ラベル', true]],
          rtl: [[ARABIC, true], [`ci${RTL}`, false], ['ci\u2066x', false]],
          '10k': [[LONG, false]],
          control: [['ci\u0000', false], ['ci\nx', false], ['\u009b31m', false]],
          // A label is free text sent in a JSON body, never in a path.
          dotdot: [['../', true]],
          pct2f: [['%2F', true]],
          at: [['deploy@ci', true]],
          emoji: [[`${EMOJI} laptop`, true], ['👨‍👩‍👧 family', true]],
        },
      },
      date: {
        check: date,
        cases: {
          empty: [['', false]],
          whitespace: [['   ', false]],
          unicode: [['２０３０-01-01', false], ['٢٠٣٠-٠١-٠١', false]],
          rtl: [[`2030-01-01${RTL}`, false], [`${RTL}2030-01-01`, false]],
          '10k': [[`2030-01-01${' '.repeat(10_000)}`, true], [`${'2'.repeat(10_000)}-01-01`, false]],
          control: [['2030-01-01\u0000', false], ['2030\u0000-01-01', false]],
          dotdot: [['../2030-01-01', false]],
          pct2f: [['2030%2F01%2F01', false]],
          at: [['@2030-01-01', false]],
          emoji: [[`2030-01-01${EMOJI}`, false]],
        },
      },
      token: {
        check: validateToken,
        cases: {
          empty: [['', false]],
          whitespace: [['   ', false], ['abcdefghij klmnopqrstuvwxyz', false]],
          unicode: [['abcdefghijklmnopé', false]],
          rtl: [[`abcdefghijklmnop${RTL}`, false], [`${ARABIC}${ARABIC}${ARABIC}${ARABIC}`, false]],
          '10k': [[LONG, false]],
          control: [['abcdefghijklmnop\u0000', false], ['abcdefgh\u0007ijklmnop', false]],
          // A token is an opaque printable ASCII string; the client never puts it into a URL.
          dotdot: [['../../../../../../', true], ['../', false]],
          pct2f: [['%2F%2F%2F%2F%2F%2F', true], ['%2F', false]],
          at: [['abcdefgh@ijklmnop', true], ['@', false]],
          emoji: [[`abcdefghijklmnop${EMOJI}`, false]],
        },
      },
      password: {
        check: validatePassword,
        cases: {
          empty: [['', true]],
          whitespace: [['        ', false], [' password1', false]],
          unicode: [['pässwörd-名前', true]],
          rtl: [['كلمة-المرور-سرية', true], [`password${RTL}1`, false], ['pass\u200bword1', false]],
          '10k': [[LONG, false]],
          control: [['password\u0000', false], ['pass\nword1', false]],
          // Passwords go in a JSON body: any visible characters are fine.
          dotdot: [['../../../../', true]],
          pct2f: [['%2F%2F%2F%2F', true]],
          at: [['a/@b/@c/@d', true]],
          emoji: [[EMOJI.repeat(8), true], [EMOJI.repeat(7), false], ['👨‍👩‍👧👨‍👩‍👧pass', true]],
        },
      },
    };

    for (const [name, { check, cases }] of Object.entries(matrix)) {
      it(`${name}: ${CATEGORIES.join(', ')}`, () => {
        for (const cat of CATEGORIES) {
          assert.ok(cases[cat].length > 0, `${name} lacks category ${cat}`);
          for (const [input, accepted] of cases[cat]) {
            let r: string | undefined;
            assert.doesNotThrow(() => {
              r = check(input);
            }, `${name} threw on ${cat}`);
            if (accepted) valid(r, input);
            else invalid(r, input);
          }
        }
      });
    }

    it('accepted URLs normalize without "..", raw unicode or credentials', () => {
      for (const u of ['https://wm.example.com/../admin', `https://${EMOJI}.example.com`, 'https://exämple.com', 'https://wm.example.com/@team', `https://wm.example.com/${EMOJI}`]) {
        const n = normalizeInstanceUrl(u);
        assert.ok(!n.includes('..'), n);
        assert.match(n, /^[\x21-\x7e]+$/, n);
        assert.ok(!new URL(n).username, n);
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
