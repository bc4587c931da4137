/**
 * What only a real DC can show (issue: the real directory): failover to the next DC, all DCs down, a wrong CA.
 * The refused requests store nothing but counters and audit events.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSambaEnv } from '../support/sambaDemo.js';
import { warnSambaSkipped } from '../support/sambaGate.js';
import { DEMO, enrollBody, SAMBA_ENABLED, startTestStack, type TestStack } from './harness.js';
import { durableItems, scanTable } from './tableScan.js';

warnSambaSkipped('directory outages on Samba AD');

const ids = ['first-pet-name', 'birth-city', 'first-school'];
const CLOSED = 'ldaps://127.0.0.1:1';
const fastTimeouts = { directory: { connectTimeoutMs: 500, operationTimeoutMs: 500 } };

/** A "DC" that accepts TCP and never answers: only a timeout gets past it. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as { port: number };
  return {
    url: `ldaps://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

describe.runIf(SAMBA_ENABLED)('directory outages on Samba AD', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => {
    silent = await silentServer();
  });
  afterAll(async () => {
    await silent?.close();
  });

  describe('a DC that does not answer first in the list', () => {
    let stack: TestStack;
    beforeAll(async () => {
      const real = loadSambaEnv()?.SSPR_LDAP_URL ?? 'ldaps://127.0.0.1:636';
      stack = await startTestStack({
        directory: 'samba',
        config: fastTimeouts,
        ldap: { urls: [CLOSED, silent.url, real] },
      });
      await stack.demo.applyDemoStates();
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('fails over to the next DC: enroll and config work', async () => {
      expect((await stack.request('GET', '/api/config')).status).toBe(200);
      const response = await stack.post('/api/enroll', enrollBody(ids, 'alice', DEMO.alice));
      expect(response.status).toBe(200);
    });
  });

  describe('all DCs down', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({ directory: 'samba', config: fastTimeouts, ldap: { urls: [CLOSED, silent.url] } });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('is 503 DIRECTORY_UNAVAILABLE within the timeouts, and nothing is stored', async () => {
      const before = durableItems(await scanTable(stack.dataDir));
      const started = Date.now();
      const response = await stack.post('/api/enroll', enrollBody(ids, 'alice', DEMO.alice));
      const elapsed = Date.now() - started;
      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('DIRECTORY_UNAVAILABLE');
      // Two DCs, each at most a connect and an operation timeout (500 ms): generous slack for a loaded machine.
      expect(elapsed).toBeLessThan(5000);
      expect(durableItems(await scanTable(stack.dataDir))).toEqual(before);
      expect((await stack.request('GET', '/api/config')).status).toBe(503);
    });
  });

  describe('a DC whose certificate is not signed by the configured CA', () => {
    let stack: TestStack;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sspr-wrong-ca-'));
      execFileSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=Some Other CA',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'ca.pem'),
      ]);
      stack = await startTestStack({ directory: 'samba', config: fastTimeouts, ldap: { caFile: join(dir, 'ca.pem') } });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('never talks to it: the request fails and the log names the certificate problem', async () => {
      const response = await stack.post('/api/enroll', enrollBody(ids, 'alice', DEMO.alice));
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(response.body.error.code).not.toBe('BAD_CREDENTIALS');
      expect(stack.logs.join('\n')).toMatch(/certificate/i);
    });
  });
});
