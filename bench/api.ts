/**
 * The bench's view of a local stack (DESIGN §7): started in this process on its own data directory, with the bench's
 * config and port wrappers, and a small HTTP client that times each request from the outside.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseConfig } from '../functions/core/config.js';
import { QUESTION_CATALOG } from '../functions/core/questions.js';
import { offsetClock } from '../local/clock.js';
import { type DirectorySeed, MemoryDirectory } from '../local/memoryDirectory.js';
import { type LocalStack, type LocalStackOptions, SEED_FILE, startLocalStack } from '../local/stack.js';
import { loadSambaEnv, type SambaEnv } from '../test/support/sambaDemo.js';

export interface Timed {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected freely
  body: any;
  /** Wall time of the request as the client saw it, in ms. */
  ms: number;
}

export interface BenchStack extends LocalStack {
  get(path: string): Promise<Timed>;
  post(path: string, body: unknown, localAddress?: string): Promise<Timed>;
  /** The code of the last outbox message to `to` that carries one. */
  lastCode(to: string): Promise<string>;
  /** The last log lines, for a failure message. */
  recentLogs(): string[];
  /** The first error log lines of the run. */
  errorLogs(): string[];
}

export interface BenchStackOptions {
  config: unknown;
  /** 'samba': the local stack on the Samba AD of `.samba/sspr.env` (scripts/samba-ad.sh). */
  directory: 'memory' | 'samba';
  /** In-memory only: the stand-in built from this change of local/directory.seed.json. */
  memorySeed?: (seed: DirectorySeed) => DirectorySeed;
  wrapPorts?: LocalStackOptions['wrapPorts'];
  /** Shifts the stack's clock (and the seeded stand-in's). */
  clockOffsetSeconds?: number;
  /** Samba only: other DC URLs (e.g. through the bench's TCP proxy). */
  ldapUrls?: string[];
  answerHashParams?: LocalStackOptions['answerHashParams'];
  /** The stack's clock instead of the system clock (e.g. one the bench moves on to the next TOTP time step). */
  clock?: LocalStackOptions['clock'];
}

/** Samba's settings, or null when SSPR_TEST_AD is not set; a set SSPR_TEST_AD without a running Samba is an error. */
export function sambaEnvIfEnabled(): SambaEnv | null {
  if (!process.env.SSPR_TEST_AD) return null;
  const env = loadSambaEnv();
  if (!env) throw new Error('SSPR_TEST_AD is set but .samba/sspr.env is missing: run `bash scripts/samba-ad.sh start`');
  return env;
}

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sspr-bench-'));
  const logs: string[] = [];
  const errors: string[] = [];
  const log = (line: string) => {
    if (line.includes('"level":"error"') && errors.length < 50) errors.push(line);
    logs.push(line);
    if (logs.length > 200) logs.splice(0, logs.length - 100);
  };
  let wrapPorts = options.wrapPorts;
  let seeded: MemoryDirectory | undefined;
  if (options.directory === 'memory' && options.memorySeed) {
    const seed = JSON.parse(await readFile(SEED_FILE, 'utf8')) as DirectorySeed;
    const stand = new MemoryDirectory({
      seed: options.memorySeed(seed),
      clock: offsetClock(options.clockOffsetSeconds ?? 0),
      searchBases: parseConfig(options.config).domain.searchBases,
      persistPath: join(dataDir, 'directory.seeded.json'),
    });
    seeded = stand;
    wrapPorts = { ...wrapPorts, directory: () => options.wrapPorts?.directory?.(stand) ?? stand };
  }
  const samba = options.directory === 'samba' ? loadSambaEnv() : null;
  if (options.directory === 'samba' && !samba)
    throw new Error('Samba is not set up: run `bash scripts/samba-ad.sh start`');
  let started: LocalStack;
  try {
    started = await startLocalStack({
      dataDir,
      port: 0,
      config: options.config,
      clockOffsetSeconds: options.clockOffsetSeconds ?? 0,
      ...(options.clock ? { clock: options.clock } : {}),
      log,
      ...(wrapPorts ? { wrapPorts } : {}),
      ...(options.answerHashParams ? { answerHashParams: options.answerHashParams } : {}),
      ...(samba
        ? {
            ldap: {
              urls: options.ldapUrls ?? [samba.SSPR_LDAP_URL],
              bindDn: samba.SSPR_LDAP_BIND_DN,
              bindPassword: samba.SSPR_LDAP_BIND_PASSWORD,
              caFile: samba.SSPR_LDAP_CA_FILE,
              baseDn: samba.SSPR_LDAP_BASE_DN,
            },
          }
        : {}),
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const stack: LocalStack = seeded ? { ...started, directory: seeded, memoryDirectory: seeded } : started;
  const base = new URL(stack.url);

  const send = (method: string, path: string, body?: unknown, localAddress?: string): Promise<Timed> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const began = performance.now();
      const req = httpRequest(
        {
          host: base.hostname,
          port: base.port,
          path,
          method,
          agent: false,
          ...(localAddress ? { localAddress } : {}),
          headers: {
            'user-agent': 'sspr-bench',
            ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const ms = performance.now() - began;
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = null;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, ms });
          });
        },
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });

  return {
    ...stack,
    get: (path) => send('GET', path),
    post: (path, body, localAddress) => send('POST', path, body, localAddress),
    async lastCode(to) {
      const text = await readFile(stack.outboxFile, 'utf8').catch(() => '');
      const lines = text.split('\n').filter(Boolean);
      for (let i = lines.length - 1; i >= 0; i--) {
        const line = JSON.parse(lines[i] as string) as { to?: string; code?: string };
        if (line.to === to && typeof line.code === 'string') return line.code;
      }
      throw new Error(`no code was sent to ${to}`);
    },
    recentLogs: () => logs.slice(-20),
    errorLogs: () => [...errors],
    close: async () => {
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The first three catalog questions with these answers, as the enroll body wants them. */
export function answersFor(answers: readonly string[]) {
  return answers.map((answer, i) => ({ questionId: QUESTION_CATALOG[i]?.id ?? '', answer }));
}

/** Throws with the response when the status is not the one expected: a bench must not time errors as successes. */
export function expectStatus(what: string, response: Timed, status: number, stack?: BenchStack): Timed {
  if (response.status !== status) {
    const logs = stack ? `\n${stack.recentLogs().join('\n')}` : '';
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}${logs}`);
  }
  return response;
}
