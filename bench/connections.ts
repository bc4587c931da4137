/**
 * Section 5, Connection reuse: one local stack (one LdapDirectory, as one warm Lambda instance holds) on Samba AD,
 * reached through a TCP proxy. 100 requests after a warm-up; halfway the proxy drops every open connection (only the
 * service connection is open between requests). Counted by LdapDirectory.stats(): service connections opened (1 per
 * DC, then exactly one reconnect after the drop) and user binds (on connections of their own, counted apart).
 */
import type { LdapDirectory } from '../functions/adapters/ldap/ldapDirectory.js';
import type { SambaEnv } from '../test/support/sambaDemo.js';
import { applySambaDemoStates } from '../test/support/sambaDemo.js';
import { startTcpProxy } from '../test/support/tcpProxy.js';
import { answersFor, expectStatus, startBenchStack, type Timed } from './api.js';
import { BENCH_ANSWERS, DEMO, freshPassword, OPEN_LIMITS_CONFIG } from './common.js';
import type { Row } from './report.js';

const SECTION = '5 Connection reuse (Samba AD)';

export function connectionRowsSkipped(): Row[] {
  return ['service LDAP connections opened (100 warm requests)', 'reconnects after one dropped socket'].map(
    (name): Row => ({
      section: SECTION,
      name,
      figure: 'needs SSPR_TEST_AD',
      budget: name.startsWith('service') ? '1 per DC' : 'exactly 1',
      pass: false,
      value: null,
      unit: 'connections',
      note: 'Runs against Samba AD only: `bash scripts/samba-ad.sh start`, then `SSPR_TEST_AD=1 npm run bench`.',
    }),
  );
}

export async function connectionRows(samba: SambaEnv, requests = 100): Promise<Row[]> {
  const target = new URL(samba.SSPR_LDAP_URL);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 636));
  await applySambaDemoStates(samba);
  const stack = await startBenchStack({
    directory: 'samba',
    config: OPEN_LIMITS_CONFIG,
    ldapUrls: [`ldaps://${target.hostname}:${proxy.port}`],
  });
  const directory = stack.directory as LdapDirectory;
  let alicePassword: string = DEMO.alice;
  let expectedUserBinds = 0;
  const statuses: number[] = [];
  /** The i-th request of a fixed mix: starts (known and unknown names), config, enroll and change (user binds). */
  const request = async (i: number): Promise<Timed> => {
    switch (i % 10) {
      case 0:
      case 3:
      case 6:
        return stack.post('/api/reset/start', { username: 'alice', purpose: 'reset' });
      case 1:
      case 4:
      case 7:
        return stack.post('/api/reset/start', { username: `nobody${i}`, purpose: 'unlock' });
      case 2:
      case 8:
        return stack.get('/api/config');
      case 5: {
        expectedUserBinds += 1;
        return stack.post('/api/enroll', { username: 'bob', password: DEMO.bob, answers: answersFor(BENCH_ANSWERS) });
      }
      default: {
        expectedUserBinds += 1;
        const next = freshPassword('n', i);
        const response = await stack.post('/api/change', {
          username: 'alice',
          oldPassword: alicePassword,
          newPassword: next,
        });
        if (response.status === 200) alicePassword = next;
        return response;
      }
    }
  };
  let droppedSockets = 0;
  let beforeDrop = 0;
  let base = { serviceConnectionsOpened: 0, userBinds: 0, userConnectionsStarted: 0 };
  try {
    // Warm-up: the first request opens the service connection.
    expectStatus('warm-up', await stack.get('/api/config'), 200, stack);
    base = directory.stats();
    for (let i = 0; i < requests; i++) {
      if (i === requests / 2) {
        beforeDrop = directory.stats().serviceConnectionsOpened;
        droppedSockets = proxy.dropAll();
      }
      statuses.push((await request(i)).status);
    }
  } finally {
    await stack.close();
    await proxy.close();
    await applySambaDemoStates(samba);
  }
  const after = directory.stats();
  const failed = statuses.filter((s) => s !== 200).length;
  const reconnects = after.serviceConnectionsOpened - beforeDrop;
  const userBinds = after.userBinds - base.userBinds;
  const dcs = 1;
  return [
    {
      section: SECTION,
      name: `service LDAP connections opened (${requests} warm requests)`,
      figure:
        `${beforeDrop} before the drop, for ${dcs} DC; user binds ${userBinds} on connections of their own ` +
        `(expected ${expectedUserBinds}); ${requests - failed} of ${requests} requests 200`,
      budget: '1 per DC',
      pass: beforeDrop === dcs && userBinds === expectedUserBinds && failed === 0,
      value: beforeDrop,
      unit: 'connections',
      note:
        'One local stack on Samba AD through a TCP proxy (TLS verified end to end); 100 requests after one warm-up ' +
        'request: 30 starts of alice, 30 of unknown names, 20 config, 10 enroll (bob) and 10 change (alice), one at a ' +
        'time. Counts from LdapDirectory.stats(); user binds include the warm-up’s none. Each user bind has a ' +
        'connection of its own, made ready after the previous bind on that DC (at most one waits).',
    },
    {
      section: SECTION,
      name: 'reconnects after one dropped socket',
      figure:
        `${reconnects} (the proxy dropped ${droppedSockets} open connection${droppedSockets === 1 ? '' : 's'} after ` +
        `request ${requests / 2}: the service connection, and the user connection waiting for the next proof)`,
      budget: 'exactly 1',
      // The waiting user connection is not reused once dropped: the next proof opens a fresh one, and no request fails.
      pass: reconnects === 1 && (droppedSockets === 1 || droppedSockets === 2) && failed === 0,
      value: reconnects,
      unit: 'connections',
    },
  ];
}
