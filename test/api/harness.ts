/**
 * Each API suite runs its own local stack (own data dir, own config), so one suite's counters never limit another's.
 * Log lines are captured so a suite can scan them for secrets.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../functions/core/clock.js';
import { parseConfig } from '../../functions/core/config.js';
import { QUESTION_CATALOG } from '../../functions/core/questions.js';
import { offsetClock } from '../../local/clock.js';
import { type DirectorySeed, MemoryDirectory } from '../../local/memoryDirectory.js';
import {
  type LdapSettings,
  type LocalStack,
  type LocalStackOptions,
  SEED_FILE,
  startLocalStack,
} from '../../local/stack.js';
import {
  type DemoDirectory,
  type DirectoryKind,
  memoryDemoDirectory,
  sambaDemoDirectory,
} from '../support/demoDirectory.js';
import { DEMO_PASSWORDS } from '../support/demoUsers.js';
import { type DirectoryLatencyOptions, withDirectoryLatency } from '../support/directoryLatency.js';
import { loadSambaEnv, type SambaEnv } from '../support/sambaDemo.js';

export interface TestStack extends LocalStack {
  logs: string[];
  demo: DemoDirectory;
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  post(path: string, body: unknown, headers?: Record<string, string>, localAddress?: string): Promise<ApiResponse>;
  outboxLines(): Promise<Record<string, unknown>[]>;
}

export interface RequestOptions {
  body?: string;
  headers?: Record<string, string>;
  /** Send from this loopback address (e.g. 127.0.0.2) instead of 127.0.0.1: another client address for the limits. */
  localAddress?: string;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected freely
  body: any;
  text: string;
}

export interface TestStackOptions {
  config?: unknown;
  clockOffsetSeconds?: number;
  directory?: DirectoryKind;
  /** Samba only: replace parts of the connection (other DC URLs, another CA) and skip enrolling ivan. */
  ldap?: Partial<LdapSettings>;
  /**
   * Reuse this data directory (e.g. to restart a stack on the same store with another clock offset). The harness
   * creates it when missing and never deletes it: whoever chose it cleans it up.
   */
  dataDir?: string;
  /** Passed to the local stack: wrap the ports the handlers get (e.g. to record the sequence of calls). */
  wrapPorts?: LocalStackOptions['wrapPorts'];
  /**
   * In-memory directory only: the handlers (and `demo`, `directory`, `memoryDirectory`) get a stand-in built from this
   * change of local/directory.seed.json (e.g. a policy with a minimum age, which no API can set), through the
   * stand-in's public constructor. Its state is kept in the data directory beside the stack's own.
   */
  memorySeed?: (seed: DirectorySeed) => DirectorySeed;
  /**
   * The handlers' directory answers as a DC over a VPN does: every call waits (test/support/directoryLatency.ts),
   * after any wrapPorts.directory. `demo` and `directory` stay undelayed.
   */
  directoryLatency?: DirectoryLatencyOptions;
  /** The stack's clock, instead of the system clock shifted by clockOffsetSeconds (a test may move it). */
  clock?: Clock;
  /**
   * How long a request may run before the function answers 500 (default 30 s, API Gateway's limit). Suites that hold
   * requests at a gate while they drive others set HELD_REQUESTS_TIMEOUT_MS: the hold is the test's, not the code's.
   */
  functionTimeoutMs?: number;
}

/**
 * For suites that hold requests at a gate (test/api/storeGate.ts) while other requests run: on a loaded two-core
 * machine the others took 20 s and more, and a held request outliving the 30 s function limit answers 500.
 */
export const HELD_REQUESTS_TIMEOUT_MS = 600_000;

/** Samba suites run only with SSPR_TEST_AD; then a missing Samba is a failure, never a skip. */
export { SAMBA_ENABLED } from '../support/sambaGate.js';

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'sspr-api-')));
  if (!ownDataDir) await mkdir(dataDir, { recursive: true });
  const logs: string[] = [];
  const samba = options.directory === 'samba' ? requireSambaEnv() : undefined;
  const seeded = !samba && options.memorySeed ? await seededMemoryDirectory(options, dataDir) : undefined;
  const seededPorts: LocalStackOptions['wrapPorts'] = seeded
    ? {
        ...options.wrapPorts,
        directory: () => options.wrapPorts?.directory?.(seeded) ?? seeded,
      }
    : options.wrapPorts;
  const latency = options.directoryLatency;
  const wrapPorts: LocalStackOptions['wrapPorts'] = latency
    ? {
        ...seededPorts,
        directory: (directory) => withDirectoryLatency(seededPorts?.directory?.(directory) ?? directory, latency),
      }
    : seededPorts;
  const started = await startLocalStack({
    dataDir,
    port: 0,
    config: options.config ?? {},
    clockOffsetSeconds: options.clockOffsetSeconds ?? 0,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.functionTimeoutMs === undefined ? {} : { functionTimeoutMs: options.functionTimeoutMs }),
    log: (line) => logs.push(line),
    ...(wrapPorts ? { wrapPorts } : {}),
    ...(samba
      ? {
          ldap: {
            urls: [samba.SSPR_LDAP_URL],
            bindDn: samba.SSPR_LDAP_BIND_DN,
            bindPassword: samba.SSPR_LDAP_BIND_PASSWORD,
            caFile: samba.SSPR_LDAP_CA_FILE,
            baseDn: samba.SSPR_LDAP_BASE_DN,
            ...options.ldap,
          },
        }
      : {}),
  });
  const stack: LocalStack = seeded ? { ...started, directory: seeded, memoryDirectory: seeded } : started;
  const demo = samba
    ? sambaDemoDirectory(samba, stack.directory)
    : memoryDemoDirectory(stack.memoryDirectory as MemoryDirectory);

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> => {
    if (options.localAddress) return requestFrom(options.localAddress, `${stack.url}${path}`, method, options);
    const response = await fetch(`${stack.url}${path}`, {
      method,
      headers: options.headers ?? {},
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { status: response.status, headers: response.headers, body, text };
  };

  const testStack: TestStack = {
    ...stack,
    logs,
    demo,
    request,
    post: (path, body, headers = {}, localAddress) =>
      request('POST', path, {
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
        ...(localAddress ? { localAddress } : {}),
      }),
    outboxLines: async () => {
      const text = await readFile(stack.outboxFile, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    close: async () => {
      await stack.close();
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  if (samba && !options.ldap) await prepareSambaIvan(testStack);
  return testStack;
}

/** The stand-in of TestStackOptions.memorySeed, on the stack's clock and search bases. */
async function seededMemoryDirectory(options: TestStackOptions, dataDir: string): Promise<MemoryDirectory> {
  const seed = JSON.parse(await readFile(SEED_FILE, 'utf8')) as DirectorySeed;
  return new MemoryDirectory({
    seed: options.memorySeed?.(seed) ?? seed,
    clock: options.clock ?? offsetClock(options.clockOffsetSeconds ?? 0),
    searchBases: parseConfig(options.config ?? {}).domain.searchBases,
    persistPath: join(dataDir, 'directory.seeded.json'),
  });
}

/** fetch cannot choose its source address; node:http can (any 127.0.0.0/8 address works on loopback). */
function requestFrom(localAddress: string, url: string, method: string, options: RequestOptions): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: options.headers ?? {}, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        try {
          body = JSON.parse(text);
        } catch {
          body = null;
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        resolve({ status: res.statusCode ?? 0, headers, body, text });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

function requireSambaEnv(): SambaEnv {
  const env = loadSambaEnv();
  if (!env)
    throw new Error('SSPR_TEST_AD is set but Samba is not running: start it with `bash scripts/samba-ad.sh start`');
  return env;
}

/**
 * DESIGN §7: on Samba, ivan is enrolled through the API first, then locked by bad binds — once per data directory (a
 * restart on the same store must not re-enroll him: that would lift his block and clear his failure counts).
 */
async function prepareSambaIvan(stack: TestStack) {
  const ivan = await stack.demo.account('ivan');
  if (await stack.store.getEnrollment(ivan.objectGuid)) return;
  await stack.demo.unlock('ivan');
  const response = await stack.post('/api/enroll', {
    username: 'ivan',
    password: DEMO_PASSWORDS.ivan,
    answers: ['ivan answer one', 'ivan answer two', 'ivan answer three'].map((answer, i) => ({
      questionId: QUESTION_CATALOG[i]?.id,
      answer,
    })),
  });
  if (response.status !== 200) throw new Error(`could not enroll ivan on Samba: ${response.text}`);
  await stack.demo.lockOut('ivan');
}

/** The demo users of DESIGN §7. */
export const DEMO = DEMO_PASSWORDS;

/** A demo user's directory mail, and as the API shows it masked. */
export const demoMail = (user: string) => `${user}@corp.example.test`;
export const maskedDemoMail = (user: string) => `${user.charAt(0)}•••@corp.example.test`;

/** The per-action and failed-password limits out of the way, for suites that are not about them. */
export const GENEROUS_ACTION_LIMITS = {
  perUser: { limit: 1000, windowSeconds: 3600 },
  perAddress: { limit: 10_000, windowSeconds: 300 },
  failedPasswordsPerUser: { limit: 1000, windowSeconds: 1800 },
  failedPasswordsPerAddress: { limit: 10_000, windowSeconds: 3600 },
};

export const GOOD_ANSWERS = [
  { questionId: '', answer: 'Rex the dog' },
  { questionId: '', answer: 'Springfield Elementary' },
  { questionId: '', answer: 'Blue Volvo' },
];

/** A valid enrollment body for a user, with the first three catalog questions (ids from /api/config). */
export function enrollBody(questionIds: string[], username: string, password: string, extra: object = {}) {
  return {
    username,
    password,
    answers: GOOD_ANSWERS.map((a, i) => ({ questionId: questionIds[i] ?? '', answer: a.answer })),
    ...extra,
  };
}
