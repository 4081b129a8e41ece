// Every id the extension shares with package.json, and every storage key, in one place.

export const VIEW_ID = 'windmillUsers.users';

export const Commands = {
  addConnection: 'windmillUsers.addConnection',
  removeConnection: 'windmillUsers.removeConnection',
  refresh: 'windmillUsers.refresh',
  retry: 'windmillUsers.retry',
  addUser: 'windmillUsers.addUser',
  removeUser: 'windmillUsers.removeUser',
  createToken: 'windmillUsers.createToken',
  showLog: 'windmillUsers.showLog',
  addUsersFromCsv: 'windmillUsers.addUsersFromCsv',
  exportUsers: 'windmillUsers.exportUsers',
  signInWithBrowser: 'windmillUsers.signInWithBrowser',
  importCliProfiles: 'windmillUsers.importCliProfiles',
  importExtensionSettings: 'windmillUsers.importExtensionSettings',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const ContextKeys = {
  /** True when at least one connection is saved (drives viewsWelcome and menus). */
  hasConnections: 'windmillUsers.hasConnections',
} as const;

export const StorageKeys = {
  /** globalState: ConnectionInfo[] (no secrets). */
  connections: 'windmillUsers.connections',
  /** SecretStorage key prefix: one token per connection id. */
  tokenPrefix: 'windmillUsers.token.',
} as const;

export const CONFIG_SECTION = 'windmillUsers';

/** Settings under CONFIG_SECTION. */
export const Settings = {
  /** How long Sign In with Browser waits for the browser, in seconds. */
  signInTimeoutSeconds: 'signIn.timeoutSeconds',
  /** Requests in flight during a bulk add / remove (default 8). */
  bulkConcurrency: 'bulk.concurrency',
} as const;
