// The emulator's seeded demo data. Dev/test-only credentials for a local fake server: they open
// nothing real. Integration tests and `npm start` import these names instead of repeating them.

export const DEMO_WORKSPACE = 'demo';
export const OTHER_WORKSPACE = 'other';

export interface SeedAccount {
  email: string;
  username: string;
  name: string;
  password: string;
  token: string;
  superAdmin: boolean;
}

/** Instance superadmin, admin of `demo`. */
export const SUPERADMIN: SeedAccount = {
  email: 'admin@windmill.dev', username: 'admin', name: 'Ada Admin', password: 'changeme',
  token: 'wmDemoSuperadminToken00000000001', superAdmin: true,
};
/** Admin of `demo`, NOT a superadmin (gets 401 on superadmin endpoints). */
export const WORKSPACE_ADMIN: SeedAccount = {
  email: 'bob@example.com', username: 'bob', name: 'Bob Builder', password: 'bobpassword',
  token: 'wmDemoAdminBobToken0000000000002', superAdmin: false,
};
/** Developer in `demo` (not admin: gets 403 on admin endpoints). */
export const DEVELOPER: SeedAccount = {
  email: 'alice@example.com', username: 'alice', name: 'Alice Liddell', password: 'alicepassword',
  token: 'wmDemoAliceToken0000000000000003', superAdmin: false,
};
/** Operator in `demo`. */
export const OPERATOR: SeedAccount = {
  email: 'olivia@example.com', username: 'olivia', name: 'Olivia Ops', password: 'oliviapassword',
  token: 'wmDemoOperatorToken0000000000004', superAdmin: false,
};

export const SEED_ACCOUNTS: SeedAccount[] = [SUPERADMIN, WORKSPACE_ADMIN, DEVELOPER, OPERATOR];

/** Other seeded members of `demo` (no token). */
export const SEED_EXTRA_MEMBERS = [
  { email: 'dan@example.com', username: 'dan', name: 'Dan Disabled', role: 'developer' as const, disabled: true },
  { email: 'erin@example.com', username: 'erin', name: 'Erin Engineer', role: 'developer' as const, disabled: false },
];

/** A pending invite in `demo`. */
export const SEED_INVITE = { email: 'carol@example.com', is_admin: false, operator: false };

export const SEED_VERSION = '1.743.0';

/** Pre-existing labelled tokens of the seed accounts (besides their seed token, labelled `seed`).
 *  Their values are random per seeding: only prefixes are visible (GET /users/tokens/list).
 *  `expiresInDays` < 0 = already expired; `ephemeral-script` is what `exclude_ephemeral=true` hides. */
export interface SeedTokenSpec {
  owner: string;
  label: string;
  expiresInDays?: number;
  scopes?: string[];
  workspace_id?: string;
  read_only?: boolean;
}

export const SEED_TOKENS: SeedTokenSpec[] = [
  { owner: SUPERADMIN.email, label: 'laptop' },
  { owner: SUPERADMIN.email, label: 'ci-deploy', expiresInDays: 30, scopes: ['users:read'], workspace_id: DEMO_WORKSPACE },
  { owner: SUPERADMIN.email, label: 'old-expired', expiresInDays: -1 },
  { owner: SUPERADMIN.email, label: 'ephemeral-script', expiresInDays: 1 },
  { owner: WORKSPACE_ADMIN.email, label: 'laptop', expiresInDays: 90 },
  { owner: DEVELOPER.email, label: 'vscode' },
  { owner: DEVELOPER.email, label: 'dashboard', read_only: true },
];
