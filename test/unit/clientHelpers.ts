// Helpers shared by the WindmillClient unit tests (client.test.ts, clientFaults.test.ts).
import * as assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { WindmillError } from '../../src/windmill/client';

/**
 * `assertNoToken(e)`: `token` is nowhere in the error (String, inspect, message, describe(), cause);
 * `rejects(p, Class)`: `p` rejects with an instance of Class that passes assertNoToken.
 */
export function tokenChecks(token: string) {
  function assertNoToken(e: unknown): void {
    const texts = [String(e), inspect(e, { depth: 5 })];
    if (e instanceof WindmillError) texts.push(e.message, e.describe(), String(e.cause ?? ''));
    for (const t of texts) assert.ok(!t.includes(token), `token leaked in: ${t}`);
  }
  async function rejects<T extends Error>(p: Promise<unknown>, cls: new (...a: never[]) => T): Promise<T> {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof cls, `expected ${cls.name}, got ${inspect(e)}`);
      assertNoToken(e);
      return e;
    }
    assert.fail(`expected ${cls.name}, but it resolved`);
  }
  return { assertNoToken, rejects };
}

/** A local port where nothing listens (bound, then closed). */
export function closedPort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
}
