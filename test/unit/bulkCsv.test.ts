import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { BulkCsvError, escapeFormula, parseBulkCsv, unescapeFormula, type BulkRow } from '../../src/bulk/csv';
import { buildExportRows, exportUsers, reportToCsv, secretsToCsv, usersToCsv, type ExportRow } from '../../src/bulk/export';
import type { BulkRowResult } from '../../src/bulk/runner';
import type { GlobalUserInfo, Member } from '../../src/windmill/types';

const HEADER = 'email,name,company,role,superadmin,password';

function csv(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

describe('bulk CSV parsing', () => {
  it('reads valid rows with their line numbers and defaults', () => {
    const r = parseBulkCsv(csv(
      HEADER,
      'ann@example.com,Ann Lee,Acme,admin,true,',
      'ben@example.com,,,,,',
      'cat@example.com,Cat,,operator,no,s3cretPassw0rd',
    ));
    assert.deepEqual(r.invalid, []);
    assert.deepEqual(r.duplicates, []);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.rows, [
      { line: 2, email: 'ann@example.com', name: 'Ann Lee', company: 'Acme', role: 'admin', superadmin: true },
      { line: 3, email: 'ben@example.com', role: 'developer', superadmin: false },
      { line: 4, email: 'cat@example.com', name: 'Cat', role: 'operator', superadmin: false, password: 's3cretPassw0rd' },
    ]);
  });

  it('reports invalid rows with line numbers and reasons, and keeps them out of rows', () => {
    const r = parseBulkCsv(csv(
      HEADER,
      'not-an-email,Bad,,,,',
      'ok@example.com,,,,,',
      ',No Email,,,,',
      'x@example.com,,,owner,,',
      'y@example.com,,,,maybe,',
      'z@example.com,,,ADMIN,YES,',
    ));
    assert.deepEqual(r.rows.map((x) => [x.line, x.email, x.role, x.superadmin]), [
      [3, 'ok@example.com', 'developer', false],
      [7, 'z@example.com', 'admin', true],
    ]);
    assert.deepEqual(r.invalid.map((x) => x.line), [2, 4, 5, 6]);
    assert.equal(r.invalid[0].email, 'not-an-email');
    assert.match(r.invalid[0].reasons[0], /email address like/);
    assert.equal(r.invalid[1].email, undefined);
    assert.match(r.invalid[1].reasons[0], /Enter an email address/);
    assert.match(r.invalid[2].reasons[0], /Unknown role "owner".*admin, developer or operator/);
    assert.match(r.invalid[3].reasons[0], /Invalid superadmin value "maybe"/);
  });

  it('accepts every superadmin spelling', () => {
    const values = ['true', 'false', 'yes', 'no', '1', '0', 'TRUE', ' Yes ', ''];
    const r = parseBulkCsv(csv('email,superadmin', ...values.map((v, i) => `u${i}@example.com,${v}`)));
    assert.deepEqual(r.invalid, []);
    assert.deepEqual(r.rows.map((x) => x.superadmin), [true, false, true, false, true, false, true, true, false]);
  });

  it('collects several reasons for one row', () => {
    const r = parseBulkCsv(csv(HEADER, 'bad@,,,boss,perhaps,short'));
    assert.equal(r.invalid.length, 1);
    assert.equal(r.invalid[0].reasons.length, 4);
    assert.match(r.invalid[0].reasons[3], /^Password: Use at least 8 characters/);
  });

  it('never puts a password into a reason or warning', () => {
    const pw = 'Hunter2-Secret';
    // The password also lands in the role and superadmin cells (a shifted row) and in the email.
    const r = parseBulkCsv(csv(
      HEADER,
      `${pw},,,${pw},${pw},${pw}`,
      `a@example.com,,,${pw},${pw},${pw}`,
      `b@example.com,,,,,${pw} `,
      `c@example.com,,,,,${pw},extra`,
    ));
    assert.equal(r.rows.length, 0);
    assert.equal(r.invalid.length, 4);
    const text = JSON.stringify({ invalid: r.invalid, warnings: r.warnings, duplicates: r.duplicates });
    assert.ok(!text.includes('Hunter2'), text);
    assert.match(r.invalid[2].reasons[0], /cannot start or end with a space/);
    assert.match(r.invalid[3].reasons[0], /7 fields but the header has 6/);
  });

  it('flags duplicate emails case-insensitively, keeping every row', () => {
    const r = parseBulkCsv(csv(
      'email,role',
      'dup@example.com,admin',
      'other@example.com,',
      'DUP@Example.com,operator',
      'dup@example.com,nope',
    ));
    assert.deepEqual(r.duplicates, [{ email: 'dup@example.com', lines: [2, 4, 5] }]);
    assert.deepEqual(r.rows.map((x) => x.line), [2, 3, 4]);
    assert.deepEqual(r.invalid.map((x) => x.line), [5]);
  });

  it('accepts header variants: case, spaces, order, aliases, missing optional columns', () => {
    const r = parseBulkCsv(csv(' ROLE ,Email,  Super_Admin', 'operator,a@example.com,yes'));
    assert.deepEqual(r.rows, [{ line: 2, email: 'a@example.com', role: 'operator', superadmin: true }]);
    assert.deepEqual(r.warnings, []);
  });

  it('warns about unknown, unnamed and repeated columns', () => {
    const r = parseBulkCsv(csv('email,team,,email', 'a@example.com,blue,x,b@example.com'));
    assert.deepEqual(r.rows.map((x) => x.email), ['a@example.com']);
    assert.equal(r.warnings.length, 3);
    assert.match(r.warnings[0], /Unknown column "team"/);
    assert.match(r.warnings[1], /Column 3 has no name/);
    assert.match(r.warnings[2], /"email" appears more than once/);
  });

  it('tolerates a UTF-8 BOM and CRLF line ends', () => {
    const r = parseBulkCsv('\ufeffEmail,Name\r\na@example.com,Ann\r\nb@example.com,Ben\r\n');
    assert.deepEqual(r.rows.map((x) => [x.line, x.email, x.name]), [[2, 'a@example.com', 'Ann'], [3, 'b@example.com', 'Ben']]);
    assert.deepEqual(r.warnings, []);
  });

  it('reads quoted fields with commas, quotes and newlines, and counts lines from where a record starts', () => {
    const text = 'email,name,company\r\n'
      + 'a@example.com,"Lee, Ann","Acme ""Rockets""\r\nDivision"\r\n'
      + '\r\n'
      + 'b@example.com,"multi\nline\nname",x\r\n'
      + 'c@example.com,C,\r\n';
    const r = parseBulkCsv(text);
    assert.deepEqual(r.invalid, []);
    assert.deepEqual(r.rows, [
      { line: 2, email: 'a@example.com', name: 'Lee, Ann', company: 'Acme "Rockets"\r\nDivision', role: 'developer', superadmin: false },
      { line: 5, email: 'b@example.com', name: 'multi\nline\nname', company: 'x', role: 'developer', superadmin: false },
      { line: 8, email: 'c@example.com', name: 'C', role: 'developer', superadmin: false },
    ]);
  });

  it('skips blank lines but keeps line numbers true to the file', () => {
    const r = parseBulkCsv('\n\nemail\n\n  \n,,\na@example.com\n');
    assert.deepEqual(r.rows, [{ line: 7, email: 'a@example.com', role: 'developer', superadmin: false }]);
  });

  it('rejects an empty file', () => {
    for (const text of ['', '\ufeff', '\n\n', '  \r\n']) {
      assert.throws(() => parseBulkCsv(text), (e: unknown) => e instanceof BulkCsvError && /empty/.test(e.message));
    }
  });

  it('accepts a file with only the header, with a warning', () => {
    const r = parseBulkCsv(HEADER + '\n');
    assert.deepEqual(r, { rows: [], invalid: [], duplicates: [], warnings: ['The file has a header but no rows.'] });
  });

  it('rejects a file without an email column in its first row', () => {
    assert.throws(
      () => parseBulkCsv('a@example.com,Ann\nb@example.com,Ben\n'),
      (e: unknown) => e instanceof BulkCsvError && e.line === 1 && /"email" column/.test(e.message),
    );
  });

  it('rejects an unclosed quote with a line number', () => {
    assert.throws(
      () => parseBulkCsv('email,name\na@example.com,"Ann\nb@example.com,Ben\n'),
      (e: unknown) => e instanceof BulkCsvError && /never closed/.test(e.message),
    );
  });

  it('a broken quote is explained without quoting the cell (it may be a password)', () => {
    assert.throws(
      () => parseBulkCsv('email,password\na@example.com,Hunter2Secret"x\n'),
      (e: unknown) => e instanceof BulkCsvError && e.line === 2 && /not valid CSV \(line 2\): a quote/.test(e.message) && !e.message.includes('Hunter2Secret'),
    );
  });
});

describe('bulk CSV export', () => {
  const members: Member[] = [
    { workspace_id: 'demo', email: 'zed@example.com', username: 'zed', is_admin: false, operator: true, disabled: false, role: 'operator' },
    { workspace_id: 'demo', email: 'amy@example.com', username: 'amy', is_admin: true, operator: false, disabled: true, role: 'admin', name: 'Amy, "A"' },
  ];
  const users: GlobalUserInfo[] = [
    { email: 'amy@example.com', login_type: 'password', super_admin: true, verified: true, first_time_user: false, role_source: 'manual', disabled: false, company: 'Acme' },
    { email: 'solo@example.com', login_type: 'password', super_admin: false, verified: true, first_time_user: false, role_source: 'manual', disabled: false, name: 'Solo' },
  ];

  it('joins members with instance users and round-trips through the parser', () => {
    const text = exportUsers(members, { format: 'csv', instanceUsers: users });
    assert.equal(text.split('\n')[0], 'email,name,company,role,superadmin');
    assert.ok(!/password/i.test(text));
    const back = parseBulkCsv(text);
    assert.deepEqual(back.invalid, []);
    assert.deepEqual(back.warnings, []);
    assert.deepEqual(back.rows.map(({ line: _l, ...r }) => r), [
      { email: 'amy@example.com', name: 'Amy, "A"', company: 'Acme', role: 'admin', superadmin: true },
      { email: 'zed@example.com', role: 'operator', superadmin: false },
      { email: 'solo@example.com', name: 'Solo', role: 'developer', superadmin: false },
    ]);
  });

  it('exports JSON with membership, username and disabled', () => {
    const rows = JSON.parse(exportUsers(members, { format: 'json', instanceUsers: users })) as ExportRow[];
    assert.deepEqual(rows.map((r) => [r.email, r.member, r.role, r.disabled]), [
      ['amy@example.com', true, 'admin', true],
      ['zed@example.com', true, 'operator', false],
      ['solo@example.com', false, undefined, false],
    ]);
    assert.equal(buildExportRows(members).length, 2);
  });

  it('escapes spreadsheet formulas and the parser undoes it', () => {
    assert.equal(escapeFormula('=SUM(A1)'), "'=SUM(A1)");
    assert.equal(escapeFormula("'=x"), "''=x");
    assert.equal(escapeFormula('plain'), 'plain');
    assert.equal(unescapeFormula(escapeFormula("''@x")), "''@x");
    const text = usersToCsv([{ email: '+tag@example.com', name: '=HYPERLINK("http://evil")', superadmin: false, role: 'developer' }]);
    assert.ok(text.includes(`"'=HYPERLINK(""http://evil"")"`), text);
    assert.ok(text.includes("'+tag@example.com"), text);
    const [row] = parseBulkCsv(text).rows;
    assert.equal(row.email, '+tag@example.com');
    assert.equal(row.name, '=HYPERLINK("http://evil")');
  });

  it('writes the report and the secrets as separate CSVs', () => {
    const rows: BulkRowResult[] = [
      { email: 'a@example.com', line: 2, role: 'developer', outcome: 'created+added', createdUser: true },
      { email: 'b@example.com', line: 3, role: 'admin', outcome: 'failed', step: 'create', message: 'The server failed, "x"', createdUser: false },
    ];
    assert.equal(reportToCsv({ rows }), 'email,line,outcome,step,message\na@example.com,2,created+added,,\nb@example.com,3,failed,create,"The server failed, ""x"""\n');
    assert.equal(secretsToCsv([{ email: 'a@example.com', password: 'p,w"1' }]), 'email,password\na@example.com,"p,w""1"\n');
  });

  it('property: export -> parse gives the same rows', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.trim());
    const local = fc.stringMatching(/^[a-z0-9+_-][a-z0-9._+-]{0,10}[a-z0-9]$/).filter((s) => !s.includes('..'));
    const row = fc.record({
      email: fc.tuple(local, fc.constantFrom('example.com', 'acme.io', 'sub.example.org')).map(([l, d]) => `${l}@${d}`),
      name: fc.option(text, { nil: undefined }),
      company: fc.option(fc.oneof(text, fc.constantFrom('=1+1', '-x', '@home', "'quoted", 'a,b', 'x\r\ny', '"q"')), { nil: undefined }),
      role: fc.constantFrom('admin' as const, 'developer' as const, 'operator' as const),
      superadmin: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 15 }), (input) => {
        const expected: Omit<BulkRow, 'line'>[] = input.map((r) => {
          const e: Omit<BulkRow, 'line'> = { email: r.email, role: r.role, superadmin: r.superadmin };
          if (r.name) e.name = r.name;
          if (r.company) e.company = r.company;
          return e;
        });
        const parsed = parseBulkCsv(usersToCsv(input));
        assert.deepEqual(parsed.invalid, []);
        assert.deepEqual(parsed.warnings, input.length === 0 ? ['The file has a header but no rows.'] : []);
        assert.deepEqual(parsed.rows.map(({ line: _l, ...r }) => r), expected);
        // Line numbers increase and point at the start of each record.
        parsed.rows.forEach((r, i) => i > 0 && assert.ok(r.line > parsed.rows[i - 1].line));
      }),
      { numRuns: 300 },
    );
  });
});
