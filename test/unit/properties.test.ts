// Property-based tests (fast-check): the lenient parsers never throw on JSON of the right top-level
// shape and return only well-formed rows; the validators never throw and accept what they document.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { MockAgent } from 'undici';
import * as validation from '../../src/validation';
import { WindmillClient, WindmillError, WindmillProtocolError } from '../../src/windmill/client';
import * as parsers from '../../src/windmill/parse';
import { deriveRole, type GlobalUserInfo, type Invite, type Member, type TokenInfo } from '../../src/windmill/types';

const CTX = { method: 'GET', path: '/x', host: 'wm.example.com' };
const ROLES = ['admin', 'developer', 'operator'];

// ---------------------------------------------------------------------------------------------
// Arbitraries: rows with the real keys holding any JSON value (often the right type, often not).

const anyJson = fc.jsonValue({ maxDepth: 2 });
/** A value for a field: the expected type half of the time, anything JSON otherwise. */
const fieldOf = (right: fc.Arbitrary<unknown>) => fc.oneof(right, anyJson, fc.constant(null));
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('', '  ', '<b>x</b>', '[x](javascript:1)', '\u202e'));

const memberRow = fc.record(
  {
    username: fieldOf(text),
    email: fieldOf(text),
    workspace_id: fieldOf(text),
    is_admin: fieldOf(fc.boolean()),
    operator: fieldOf(fc.boolean()),
    disabled: fieldOf(fc.boolean()),
    role: fieldOf(fc.oneof(fc.constantFrom('admin', 'Admin', 'DEVELOPER', 'operator', 'superuser', 'owner', ''), fc.string())),
    created_at: fieldOf(text),
    added_via: anyJson,
    is_service_account: fieldOf(fc.boolean()),
    name: fieldOf(text),
    __proto__: anyJson,
  },
  { requiredKeys: [] },
);
const userRow = fc.record(
  {
    email: fieldOf(text),
    login_type: fieldOf(fc.constantFrom('password', 'github', 'saml', 'okta-custom')),
    super_admin: fieldOf(fc.boolean()),
    devops: fieldOf(fc.boolean()),
    verified: fieldOf(fc.boolean()),
    name: fieldOf(text),
    company: fieldOf(text),
    username: fieldOf(text),
    operator_only: fieldOf(fc.boolean()),
    is_workspace_admin: fieldOf(fc.boolean()),
    first_time_user: fieldOf(fc.boolean()),
    role_source: fieldOf(text),
    disabled: fieldOf(fc.boolean()),
    workspace_id: fieldOf(text),
  },
  { requiredKeys: [] },
);
const tokenRow = fc.record(
  {
    token_prefix: fieldOf(text),
    label: fieldOf(text),
    created_at: fieldOf(text),
    last_used_at: fieldOf(text),
    expiration: fieldOf(text),
    scopes: fieldOf(fc.array(fc.oneof(fc.string(), anyJson), { maxLength: 5 })),
    workspace_id: fieldOf(text),
    read_only: fieldOf(fc.boolean()),
  },
  { requiredKeys: [] },
);
const inviteRow = fc.record(
  { email: fieldOf(text), is_admin: fieldOf(fc.boolean()), operator: fieldOf(fc.boolean()), workspace_id: fieldOf(text) },
  { requiredKeys: [] },
);
/** A list as a server could send it: mostly rows, sometimes junk entries. */
const listOf = (row: fc.Arbitrary<unknown>) => fc.array(fc.oneof({ weight: 4, arbitrary: row }, { weight: 1, arbitrary: anyJson }), { maxLength: 30 });

// ---------------------------------------------------------------------------------------------
// Well-formedness checks

const isNonEmptyKey = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const optType = (o: object, key: string, type: string) => {
  const v = (o as Record<string, unknown>)[key];
  assert.ok(!(key in o) || typeof v === type, `${key}: ${typeof v}`);
};

function checkMember(m: Member): void {
  assert.ok(isNonEmptyKey(m.username));
  for (const k of ['workspace_id', 'email'] as const) assert.equal(typeof m[k], 'string');
  for (const k of ['is_admin', 'operator', 'disabled'] as const) assert.equal(typeof m[k], 'boolean');
  assert.ok(ROLES.includes(m.role), m.role);
  for (const k of ['created_at', 'name']) optType(m, k, 'string');
  optType(m, 'is_service_account', 'boolean');
  for (const [k, v] of Object.entries(m)) assert.notEqual(v, undefined, `${k} present but undefined`);
}

function checkUser(u: GlobalUserInfo): void {
  assert.ok(isNonEmptyKey(u.email));
  for (const k of ['login_type', 'role_source'] as const) assert.equal(typeof u[k], 'string');
  for (const k of ['super_admin', 'verified', 'first_time_user', 'disabled'] as const) assert.equal(typeof u[k], 'boolean');
  for (const k of ['name', 'company', 'username', 'workspace_id']) optType(u, k, 'string');
  for (const k of ['devops', 'operator_only', 'is_workspace_admin']) optType(u, k, 'boolean');
}

function checkToken(t: TokenInfo): void {
  assert.ok(isNonEmptyKey(t.token_prefix));
  for (const k of ['label', 'created_at', 'last_used_at', 'expiration', 'workspace_id']) optType(t, k, 'string');
  optType(t, 'read_only', 'boolean');
  if (t.scopes !== undefined) assert.ok(Array.isArray(t.scopes) && t.scopes.every((s) => typeof s === 'string'));
}

function checkInvite(i: Invite): void {
  assert.ok(isNonEmptyKey(i.email));
  assert.equal(typeof i.is_admin, 'boolean');
  assert.equal(typeof i.operator, 'boolean');
  optType(i, 'workspace_id', 'string');
}

const isRow = (r: unknown): r is Record<string, unknown> => typeof r === 'object' && r !== null && !Array.isArray(r);

describe('properties (fast-check)', function () {
  this.timeout(30_000);

  describe('parsers', () => {
    it('parseMembers: never throws on a list, keeps exactly the rows with a username, all well-formed', () => {
      fc.assert(
        fc.property(listOf(memberRow), fc.option(fc.string(), { nil: undefined }), (rows, ws) => {
          const out = parsers.parseMembers(rows, CTX, ws);
          const keyed = rows.filter((r) => isRow(r) && isNonEmptyKey(r.username));
          assert.equal(out.length, keyed.length);
          out.forEach((m, i) => {
            checkMember(m);
            const src = keyed[i] as Record<string, unknown>;
            assert.equal(m.username, src.username);
            assert.equal(m.is_admin, src.is_admin === true);
            const given = typeof src.role === 'string' ? src.role.toLowerCase() : undefined;
            // A known role is kept; an unknown or missing one is derived from the flags.
            assert.equal(m.role, given && ROLES.includes(given) ? given : deriveRole(src.is_admin === true, src.operator === true));
          });
        }),
        { numRuns: 300 },
      );
    });

    it('parseGlobalUsers, parseTokens, parseInvites: never throw on a list, rows well-formed', () => {
      fc.assert(
        fc.property(listOf(userRow), listOf(tokenRow), listOf(inviteRow), (users, tokens, invites) => {
          const u = parsers.parseGlobalUsers(users, CTX);
          assert.equal(u.length, users.filter((r) => isRow(r) && isNonEmptyKey(r.email)).length);
          u.forEach(checkUser);
          const t = parsers.parseTokens(tokens, CTX);
          assert.equal(t.length, tokens.filter((r) => isRow(r) && isNonEmptyKey(r.token_prefix)).length);
          t.forEach(checkToken);
          const i = parsers.parseInvites(invites, CTX);
          assert.equal(i.length, invites.filter((r) => isRow(r) && isNonEmptyKey(r.email)).length);
          i.forEach(checkInvite);
        }),
        { numRuns: 300 },
      );
    });

    it('single-row parsers: a well-formed row or a WindmillProtocolError, nothing else', () => {
      fc.assert(
        fc.property(fc.oneof(memberRow, userRow, anyJson), (data) => {
          for (const [parse, check] of [
            [(d: unknown) => parsers.parseMember(d, CTX, 'demo'), checkMember],
            [(d: unknown) => parsers.parseGlobalUser(d, CTX), checkUser],
          ] as Array<[(d: unknown) => unknown, (x: never) => void]>) {
            let r: unknown;
            try {
              r = parse(data);
            } catch (e) {
              assert.ok(e instanceof WindmillProtocolError, String(e));
              continue;
            }
            check(r as never);
          }
        }),
        { numRuns: 300 },
      );
    });

    it('a wrong top-level shape is always a WindmillProtocolError', () => {
      fc.assert(
        fc.property(anyJson.filter((v) => !Array.isArray(v)), (data) => {
          for (const parse of [parsers.parseMembers, parsers.parseGlobalUsers, parsers.parseTokens, parsers.parseInvites]) {
            assert.throws(() => parse(data, CTX), WindmillProtocolError);
          }
        }),
      );
    });

    it('no row can pollute Object.prototype', () => {
      const rows = JSON.parse('[{"username":"a","__proto__":{"is_admin":true,"polluted":1}},{"email":"b@x.io","constructor":{"prototype":{"polluted":2}}}]') as unknown[];
      const [m] = parsers.parseMembers(rows, CTX);
      assert.equal(m.is_admin, false);
      parsers.parseGlobalUsers(rows, CTX);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it('parseVersion: a VersionInfo or a WindmillProtocolError for any text', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 100 }), fc.constantFrom('CE v1.2.3', 'EE v1.743.0-12-gabc', 'v9.9', '<html>')), (s) => {
          try {
            const v = parsers.parseVersion(s, CTX);
            assert.ok(['CE', 'EE', 'unknown'].includes(v.edition));
            assert.match(v.version, /^\d+\.\d+/);
          } catch (e) {
            assert.ok(e instanceof WindmillProtocolError);
          }
        }),
      );
    });

    it('end to end: any response body gives rows or a WindmillError, never another exception', async () => {
      const body = fc.oneof(
        listOf(memberRow).map((v) => JSON.stringify(v)),
        anyJson.map((v) => JSON.stringify(v)),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom('[{"username": "trunc', '<html><body>502</body></html>', ''),
      );
      const contentType = fc.constantFrom('application/json', 'text/plain', 'text/html', '');
      await fc.assert(
        fc.asyncProperty(body, contentType, fc.constantFrom(200, 201), async (b, ct, status) => {
          const agent = new MockAgent();
          agent.disableNetConnect();
          agent.get('https://wm.example.com').intercept({ path: '/api/w/demo/users/list' }).reply(status, b, ct ? { headers: { 'content-type': ct } } : {});
          const client = new WindmillClient({ remote: 'https://wm.example.com', token: 'x'.repeat(32), dispatcher: agent, retry: { attempts: 1 } });
          try {
            (await client.listMembers('demo')).forEach(checkMember);
          } catch (e) {
            assert.ok(e instanceof WindmillError, String(e));
          } finally {
            await agent.close();
          }
        }),
        { numRuns: 100 },
      );
    });
  });

  describe('validators', () => {
    const all: Array<[string, (s: string) => unknown]> = [
      ['validateEmail', validation.validateEmail],
      ['validateInstanceUrl', validation.validateInstanceUrl],
      ['validateUsername', validation.validateUsername],
      ['validateWorkspaceId', validation.validateWorkspaceId],
      ['validatePassword', validation.validatePassword],
      ['validateTokenLabel', validation.validateTokenLabel],
      ['validateToken', validation.validateToken],
      ['parseExpirationDate', (s) => validation.parseExpirationDate(s)],
    ];
    const anyString = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 100 }),
      fc.string({ unit: fc.constantFrom('.', '/', '%', '2', 'F', '@', ' ', '\u202e', '\u0000', '😀', 'a'), maxLength: 50 }),
    );

    it('never throw, and answer undefined or a short message (Date for dates)', () => {
      fc.assert(
        fc.property(anyString, (s) => {
          for (const [name, v] of all) {
            const r = v(s);
            if (name === 'parseExpirationDate') assert.ok(r instanceof Date || typeof r === 'string');
            else assert.ok(r === undefined || (typeof r === 'string' && r.length > 0 && r.length < 200), `${name}: ${String(r)}`);
          }
        }),
        { numRuns: 500 },
      );
    });

    it('never throw on 10,000-character strings either', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', minLength: 10_000, maxLength: 10_000 }), (s) => {
          for (const [name, v] of all) {
            const r = v(s);
            if (name !== 'validatePassword' && name !== 'validateTokenLabel') assert.notEqual(r, undefined, `${name} accepted 10,000 chars`);
          }
        }),
        { numRuns: 20 },
      );
    });

    const lower = 'abcdefghijklmnopqrstuvwxyz';
    const label = fc
      .string({ unit: fc.constantFrom(...`${lower}0123456789-`), minLength: 1, maxLength: 20 })
      .filter((l) => !l.startsWith('-') && !l.endsWith('-'));
    const domain = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.string({ unit: fc.constantFrom(...lower), minLength: 2, maxLength: 6 })).map(([ls, tld]) => [...ls, tld].join('.'));
    const local = fc
      .string({ unit: fc.constantFrom(...`${lower}ABCXYZ0123456789._+-`), minLength: 1, maxLength: 64 })
      .filter((l) => !l.startsWith('.') && !l.endsWith('.') && !l.includes('..'));

    it('validateEmail accepts documented addresses (local@domain.tld, plus tags, dots, hyphens), trimmed', () => {
      fc.assert(
        fc.property(local, domain, fc.constantFrom('', ' ', '\t'), (l, d, pad) => {
          const e = `${pad}${l}@${d}${pad}`;
          if (`${l}@${d}`.length <= 254) assert.equal(validation.validateEmail(e), undefined, e);
        }),
      );
    });

    it('validateEmail refuses anything with a space, control or bidi character inside', () => {
      fc.assert(
        fc.property(local, domain, fc.constantFrom(' ', '\u0000', '\n', '\u202e', '\u200b', '\u007f'), fc.nat(), (l, d, bad, at) => {
          const e = `${l}@${d}`;
          const i = 1 + (at % (e.length - 1));
          assert.equal(typeof validation.validateEmail(e.slice(0, i) + bad + e.slice(i)), 'string');
        }),
      );
    });

    it('validateUsername accepts exactly [A-Za-z0-9_-]{1,50}', () => {
      fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,50}$/), (s) => assert.equal(validation.validateUsername(s), undefined)));
      fc.assert(
        fc.property(anyString, (s) => {
          assert.equal(validation.validateUsername(s) === undefined, /^[A-Za-z0-9_-]{1,50}$/.test(s), JSON.stringify(s));
        }),
      );
    });

    it('validateWorkspaceId accepts exactly [a-z0-9_-]{1,50}', () => {
      fc.assert(fc.property(fc.stringMatching(/^[a-z0-9_-]{1,50}$/), (s) => assert.equal(validation.validateWorkspaceId(s), undefined)));
      fc.assert(
        fc.property(anyString, (s) => {
          assert.equal(validation.validateWorkspaceId(s) === undefined, /^[a-z0-9_-]{1,50}$/.test(s), JSON.stringify(s));
        }),
      );
    });

    it('validateToken accepts any printable ASCII of 16..1024 characters, trimmed', () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[\x21-\x7e]{16,1024}$/), fc.constantFrom('', ' ', '\n'), (s, pad) => {
          assert.equal(validation.validateToken(`${pad}${s}${pad}`), undefined);
        }),
      );
      fc.assert(fc.property(fc.stringMatching(/^[\x21-\x7e]{1,15}$/), (s) => assert.equal(typeof validation.validateToken(s), 'string')));
    });

    const visible = fc.string({ unit: fc.oneof(fc.constantFrom(...'abcXYZ019 -_./@%😀é名مر'), fc.constantFrom('👨‍👩‍👧')), minLength: 1, maxLength: 60 });

    it('validatePassword accepts visible text of 8..256 characters without surrounding spaces; empty means "generate"', () => {
      assert.equal(validation.validatePassword(''), undefined);
      fc.assert(
        fc.property(visible, (s) => {
          const cps = [...s].length;
          const expected = s === s.trim() && cps >= 8 && cps <= 256;
          assert.equal(validation.validatePassword(s) === undefined, expected, JSON.stringify(s));
        }),
      );
    });

    it('validateTokenLabel accepts visible text of at most 100 characters (or empty)', () => {
      fc.assert(
        fc.property(visible, (s) => {
          const expected = s.trim() !== '' && [...s].length <= 100;
          assert.equal(validation.validateTokenLabel(s) === undefined, expected, JSON.stringify(s));
        }),
      );
    });

    it('validateTokenLabel and validatePassword refuse any control or bidi character', () => {
      fc.assert(
        fc.property(visible, fc.constantFrom('\u0000', '\u001b', '\u007f', '\u0085', '\u202e', '\u2066', '\u200b', '\ufeff'), fc.nat(), (s, bad, at) => {
          const i = at % (s.length + 1);
          const t = `${s.slice(0, i)}${bad}${s.slice(i)}`.padEnd(8, 'x');
          assert.equal(typeof validation.validateTokenLabel(t), 'string', JSON.stringify(t));
          assert.equal(typeof validation.validatePassword(t), 'string', JSON.stringify(t));
        }),
      );
    });

    it('validateInstanceUrl accepts http(s) web URLs without query or fragment', () => {
      fc.assert(
        fc.property(fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: false, withFragments: false }), (u) => {
          if (/%(?:[01][0-9a-f]|7f)/i.test(u)) return; // encoded control characters are refused on purpose
          assert.equal(validation.validateInstanceUrl(u), undefined, u);
          assert.equal(validation.normalizeInstanceUrl(validation.normalizeInstanceUrl(u)), validation.normalizeInstanceUrl(u));
        }),
      );
    });

    it('parseExpirationDate accepts every real future day as YYYY-MM-DD (end of day, UTC)', () => {
      const now = new Date('2025-06-15T12:00:00Z');
      fc.assert(
        fc.property(fc.date({ min: new Date('2025-06-16T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
          const s = d.toISOString().slice(0, 10);
          const r = validation.parseExpirationDate(s, now);
          assert.ok(r instanceof Date, `${s}: ${String(r)}`);
          assert.equal(r.toISOString(), `${s}T23:59:59.999Z`);
        }),
      );
      fc.assert(
        fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2025-06-14T00:00:00Z'), noInvalidDate: true }), (d) => {
          assert.equal(typeof validation.parseExpirationDate(d.toISOString().slice(0, 10), now), 'string');
        }),
      );
    });
  });
});
