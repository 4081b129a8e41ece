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
  changeRole: 'windmillUsers.changeRole',
  makeAdmin: 'windmillUsers.makeAdmin',
  makeDeveloper: 'windmillUsers.makeDeveloper',
  makeOperator: 'windmillUsers.makeOperator',
  disableMember: 'windmillUsers.disableMember',
  enableMember: 'windmillUsers.enableMember',
  inviteUser: 'windmillUsers.inviteUser',
  cancelInvite: 'windmillUsers.cancelInvite',
  copyEmail: 'windmillUsers.copyEmail',
  copyUsername: 'windmillUsers.copyUsername',
  openInWindmill: 'windmillUsers.openInWindmill',
  filterUsers: 'windmillUsers.filterUsers',
  clearFilter: 'windmillUsers.clearFilter',
  toggleSuperadmin: 'windmillUsers.toggleSuperadmin',
  toggleDevops: 'windmillUsers.toggleDevops',
  disableInstanceUser: 'windmillUsers.disableInstanceUser',
  enableInstanceUser: 'windmillUsers.enableInstanceUser',
  renameInstanceUser: 'windmillUsers.renameInstanceUser',
  setPassword: 'windmillUsers.setPassword',
  deleteInstanceUser: 'windmillUsers.deleteInstanceUser',
  revokeToken: 'windmillUsers.revokeToken',
  signInAgain: 'windmillUsers.signInAgain',
  renameConnection: 'windmillUsers.renameConnection',
  selectConnection: 'windmillUsers.selectConnection',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const ContextKeys = {
  /** True when at least one connection is saved (drives viewsWelcome and menus). */
  hasConnections: 'windmillUsers.hasConnections',
  /** True while the Users tree has a text filter (shows Clear Filter in the view title). */
  filterActive: 'windmillUsers.filterActive',
} as const;

export const StorageKeys = {
  /** globalState: ConnectionInfo[] (no secrets). */
  connections: 'windmillUsers.connections',
  /** SecretStorage key prefix: one token per connection id. */
  tokenPrefix: 'windmillUsers.token.',
  /** globalState: the id of the connection last chosen for palette commands (no secret). */
  lastConnection: 'windmillUsers.lastConnection',
} as const;

export const CONFIG_SECTION = 'windmillUsers';

/** Settings under CONFIG_SECTION. */
export const Settings = {
  /** Per request (headers and body), in seconds (default 30). */
  requestTimeoutSeconds: 'requestTimeoutSeconds',
  /** How long Sign In with Browser waits for the browser, in seconds. */
  signInTimeoutSeconds: 'signIn.timeoutSeconds',
  /** Requests in flight during a bulk add / remove (default 8). */
  bulkConcurrency: 'bulk.concurrency',
  /** The Users tree's layout: 'role' (groups Admins / Developers / Operators / Disabled) or 'flat'. */
  treeGrouping: 'tree.grouping',
  /** Extra CA certificate files (PEM) trusted for https (machine scope: never from a workspace). */
  tlsCaCertificates: 'tls.caCertificates',
} as const;
