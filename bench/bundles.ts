/**
 * Section 1, Bundles: the Lambda bundles exactly as the CDK app builds them. A real `cdk synth` (esbuild bundling on,
 * offline) into a temporary directory; each AWS::Lambda::Function of the template is mapped to its asset directory
 * (Metadata aws:asset:path) and the file its Handler names. Measured per bundle: minified and gzip size; module
 * evaluation as the median of 15 fresh `node` processes timing `import()` of the bundle, next to an empty module's
 * import in the same run; and, in each of those processes, the first request after the import (the exported handler
 * invoked once with an API Gateway v2 event), so no cost hides in lazy imports.
 *
 * The deployed environment is given as the template has it, with CloudFormation references replaced by local stand-ins:
 * a tiny HTTP responder for Secrets Manager's GetSecretValue (bench only), an in-memory dynalite for the table, fake
 * credentials, and the directory: Samba AD when SSPR_TEST_AD is set, else a closed loopback port (503 quickly).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createDocumentClient } from '../functions/adapters/dynamoClient.js';
import { generateSealingKeyPair } from '../functions/adapters/sealing.js';
import { QUESTION_CATALOG } from '../functions/core/questions.js';
import { ensureTable, localClientOptions, startDynalite } from '../local/dynalite.js';
import type { SambaEnv } from '../test/support/sambaDemo.js';
import { kib, ms } from './common.js';
import type { Row } from './report.js';
import { median } from './stats.js';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '..');
const SECTION = '1 Bundles';
export const SIZE_BUDGET_BYTES = 450 * 1024;
export const IMPORT_BUDGET_MS = 50;
const PROCESSES = 15;
const TABLE = 'sspr-bench';

export function cdkAppExists(): boolean {
  return existsSync(join(REPO, 'bin/sspr.ts')) && existsSync(join(REPO, 'cdk.json'));
}

export function bundleRowsNotBuilt(): Row[] {
  return [
    {
      section: SECTION,
      name: 'Lambda bundles',
      figure: 'not built yet',
      budget: `≤ 450 KiB; import ≤ ${IMPORT_BUDGET_MS} ms`,
      pass: false,
      value: null,
      unit: 'KiB',
      note: 'Measured from a real `cdk synth` once the CDK app (bin/sspr.ts, cdk.json) exists.',
    },
  ];
}

interface LambdaBundle {
  /** e.g. startReset */
  name: string;
  file: string;
  exportName: string;
  environment: Record<string, string>;
}

/** The first request of each function: a request that reaches its real work, and the status it must get. */
function firstRequest(name: string, directory: boolean): { event: unknown; expected: number[]; what: string } | null {
  const token = randomBytes(32).toString('base64url');
  const answers = ['first answer', 'second answer', 'third answer'].map((answer, i) => ({
    questionId: QUESTION_CATALOG[i]?.id ?? '',
    answer,
  }));
  // A new name and client address in every process: the processes share one table, and its limits count per user
  // and per address.
  const user = `nobody.${randomBytes(4).toString('hex')}`;
  const viewer = `203.0.113.${1 + Math.floor(Math.random() * 250)}:50123`;
  const http = (method: string, path: string, body?: unknown) => ({
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'sspr-bench',
      'accept-language': 'en',
      'x-sspr-origin': ORIGIN_SECRET,
      'cloudfront-viewer-address': viewer,
    },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'bench.example.test',
      domainPrefix: 'bench',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 'sspr-bench' },
      requestId: randomBytes(8).toString('hex'),
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    isBase64Encoded: false,
  });
  const dir = directory ? [200] : [503];
  switch (name) {
    case 'health':
      return { event: http('GET', '/api/health'), expected: [200], what: 'GET /api/health' };
    case 'config':
      return { event: http('GET', '/api/config'), expected: dir, what: 'GET /api/config (domain policy from the DC)' };
    case 'enroll':
      return {
        event: http('POST', '/api/enroll', { username: user, password: 'Wrong!Pass1', answers }),
        expected: directory ? [401] : [503],
        what: 'POST /api/enroll, unknown user (limits, directory lookup)',
      };
    case 'verifyContact':
      return {
        event: http('POST', '/api/enroll/verify', { enrollmentToken: token, channelId: 'abc', code: '123456' }),
        expected: [410],
        what: 'POST /api/enroll/verify, unknown token (store read)',
      };
    case 'startReset':
      return {
        event: http('POST', '/api/reset/start', { username: user, purpose: 'reset' }),
        expected: dir,
        what: 'POST /api/reset/start, unknown user (decoy flow: directory, store, secrets)',
      };
    case 'answer':
      return {
        event: http('POST', '/api/reset/answer', { flowId: token, answer: 'some answer' }),
        expected: [410],
        what: 'POST /api/reset/answer, unknown flow (store read)',
      };
    case 'sendCode':
      return {
        event: http('POST', '/api/reset/code', { flowId: token, channelId: 'abc' }),
        expected: [410],
        what: 'POST /api/reset/code, unknown flow (store read)',
      };
    case 'setPassword':
      return {
        event: http('POST', '/api/reset/password', { flowId: token, newPassword: 'Bench!Passw0rd42' }),
        expected: [410],
        what: 'POST /api/reset/password, unknown flow (store read)',
      };
    case 'unlock':
      return {
        event: http('POST', '/api/unlock', { flowId: token }),
        expected: [410],
        what: 'POST /api/unlock, unknown flow (store read)',
      };
    case 'changePassword':
      return {
        event: http('POST', '/api/change', {
          username: user,
          oldPassword: 'Wrong!Pass1',
          newPassword: 'Bench!Passw0rd42',
        }),
        expected: directory ? [401] : [503],
        what: 'POST /api/change, unknown user (limits, directory lookup)',
      };
    case 'fallback':
      return { event: http('GET', '/api/nothing-here'), expected: [404], what: 'GET /api/nothing-here' };
    case 'notifier':
      return {
        event: {
          Records: [
            {
              eventName: 'INSERT',
              eventSource: 'aws:dynamodb',
              dynamodb: { Keys: { pk: { S: `OUTBOX#${randomBytes(9).toString('base64url')}` }, sk: { S: 'OUTBOX' } } },
            },
          ],
        },
        expected: [0],
        what: 'a stream record of an outbox item no longer in the table (store read, skipped)',
      };
    default:
      return null;
  }
}

const ORIGIN_SECRET = randomBytes(24).toString('base64url');

/** The probe each fresh process runs: time the import, then (optionally) one request. */
const PROBE = `
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { writeSync } from 'node:fs';
const [file, exportName, eventJson] = process.argv.slice(2);
const began = performance.now();
const mod = await import(pathToFileURL(file).href);
const importMs = performance.now() - began;
let requestMs = null;
let status = null;
if (eventJson) {
  const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 30000,
    callbackWaitsForEmptyEventLoop: false, memoryLimitInMB: '1769' };
  const started = performance.now();
  const result = await mod[exportName](JSON.parse(eventJson), context);
  requestMs = performance.now() - started;
  status = result && typeof result.statusCode === 'number' ? result.statusCode
    : result && Array.isArray(result.batchItemFailures) ? result.batchItemFailures.length : -1;
}
// The handler logs to stdout: the result is the last line, behind a marker, written synchronously before exit.
writeSync(1, '\\nBENCH_PROBE ' + JSON.stringify({ importMs, requestMs, status }) + '\\n');
process.exit(0);
`;

export async function bundleRows(samba: SambaEnv | null): Promise<Row[]> {
  const work = await mkdtemp(join(tmpdir(), 'sspr-bench-cdk-'));
  const stopping: (() => Promise<void>)[] = [];
  try {
    const out = join(work, 'cdk.out');
    await run('npx', ['cdk', 'synth', '--quiet', '-o', out], {
      cwd: REPO,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 240_000,
    });
    const bundles = await lambdaBundles(out);
    if (bundles.length === 0) throw new Error('the synth produced no esbuild-built Lambda function');

    const dynalite = await startDynalite();
    stopping.push(() => dynalite.close());
    const client = createDocumentClient(localClientOptions(dynalite.endpoint));
    await ensureTable(client, TABLE);
    client.destroy();
    const secrets = await startSecretsResponder(samba);
    stopping.push(secrets.close);

    const probe = join(work, 'probe.mjs');
    await writeFile(probe, PROBE);
    const empty = join(work, 'empty.mjs');
    await writeFile(empty, 'export {};\n');
    const emptyTimes: number[] = [];
    for (let i = 0; i < PROCESSES; i++) {
      emptyTimes.push((await probeOnce(probe, empty, 'x', null, {}, work)).importMs);
    }
    const emptyMs = median(emptyTimes);

    const rows: Row[] = [];
    const keys = generateSealingKeyPair();
    for (const bundle of bundles) {
      const code = await readFile(bundle.file);
      const gzip = gzipSync(code, { level: 9 }).length;
      const env = localEnvironment(bundle, dynalite.endpoint, secrets.endpoint, keys.publicKey, samba);
      const imports: number[] = [];
      const requests: number[] = [];
      const statuses = new Set<number>();
      const what = firstRequest(bundle.name, samba !== null);
      for (let i = 0; i < PROCESSES; i++) {
        const event = firstRequest(bundle.name, samba !== null)?.event ?? null;
        const result = await probeOnce(probe, bundle.file, bundle.exportName, event, env, work);
        imports.push(result.importMs);
        if (result.requestMs !== null) requests.push(result.requestMs);
        if (result.status !== null) statuses.add(result.status);
      }
      const importMs = median(imports);
      rows.push({
        section: SECTION,
        name: `${bundle.name}: minified size`,
        figure: `${kib(code.length)} (gzip ${kib(gzip)})`,
        budget: '≤ 450 KiB',
        pass: code.length <= SIZE_BUDGET_BYTES,
        value: Math.round((code.length / 1024) * 10) / 10,
        unit: 'KiB',
        note:
          'The file the Handler names in the asset directory of a real `cdk synth` (bundling on); gzip at level 9. ' +
          'Source maps (.map) are beside it and not counted.',
      });
      rows.push({
        section: SECTION,
        name: `${bundle.name}: module evaluation`,
        figure: `${ms(importMs)} ms median of ${PROCESSES} fresh processes (empty module ${ms(emptyMs)} ms)`,
        budget: `≤ ${IMPORT_BUDGET_MS} ms`,
        pass: importMs <= IMPORT_BUDGET_MS,
        value: Math.round(importMs * 10) / 10,
        unit: 'ms',
        note:
          'Inside each fresh `node` process (with the function’s environment, NODE_OPTIONS included if it has any): the time of ' +
          '`await import(bundle)` alone, without Node’s own start; the empty module is imported the same way.',
      });
      const request = what;
      if (request) {
        const okStatus = [...statuses].every((s) => request.expected.includes(s));
        rows.push({
          section: SECTION,
          name: `${bundle.name}: first request after import`,
          figure: `${ms(median(requests))} ms median (${request.what}; status ${[...statuses].join('/')})`,
          budget: `reported; status ${request.expected.join('/')}`,
          pass: okStatus && requests.length === PROCESSES,
          value: Math.round(median(requests) * 10) / 10,
          unit: 'ms',
          note:
            'In each of the same processes, right after the import: the exported handler called once. Secrets ' +
            'Manager is a local responder, the table an in-memory dynalite, the DC Samba AD (SSPR_TEST_AD) or a closed ' +
            'port (503); each call includes what a cold instance pays on its first request (secrets, the first ' +
            'connections, lazily loaded modules). No budget in DESIGN §10: the row checks the status.',
        });
      }
    }
    return rows;
  } finally {
    for (const stop of stopping.reverse()) await stop().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

async function lambdaBundles(out: string): Promise<LambdaBundle[]> {
  const bundles: LambdaBundle[] = [];
  for (const file of (await readdir(out)).filter((f) => f.endsWith('.template.json'))) {
    const template = JSON.parse(await readFile(join(out, file), 'utf8')) as {
      Resources: Record<
        string,
        { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }
      >;
    };
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const props = resource.Properties ?? {};
      const assetPath = resource.Metadata?.['aws:asset:path'];
      const handler = props.Handler;
      if (typeof assetPath !== 'string' || typeof handler !== 'string' || !String(props.Runtime).startsWith('nodejs'))
        continue;
      const dot = handler.lastIndexOf('.');
      const file = join(out, assetPath, `${handler.slice(0, dot)}.mjs`);
      // Only the app's esbuild bundles (ESM .mjs); CDK's own provider functions ship plain index.js.
      if (!existsSync(file)) continue;
      const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
        {}) as Record<string, unknown>;
      const environment: Record<string, string> = {};
      for (const [name, value] of Object.entries(variables)) {
        environment[name] = typeof value === 'string' ? value : `UNRESOLVED:${name}`;
      }
      bundles.push({ name: functionName(logicalId), file, exportName: handler.slice(dot + 1), environment });
    }
  }
  return bundles.sort((a, b) => a.name.localeCompare(b.name));
}

/** ApiStartResetFunctionE4556B45 → startReset; NotifyNotifierFunction7DADC72A → notifier. */
export function functionName(logicalId: string): string {
  const base = logicalId
    .replace(/[0-9A-F]{8}$/, '')
    .replace(/Function$/, '')
    .replace(/^(Api|Notify|Data)(?=[A-Z])/, '');
  return base.charAt(0).toLowerCase() + base.slice(1);
}

/** The template's environment, with references resolved to the local stand-ins. */
function localEnvironment(
  bundle: LambdaBundle,
  dynamo: string,
  secretsEndpoint: string,
  publicKey: string,
  samba: SambaEnv | null,
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsEndpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_LAMBDA_FUNCTION_NAME: bundle.name,
  };
  for (const [name, value] of Object.entries(bundle.environment)) {
    if (!value.startsWith('UNRESOLVED:')) env[name] = value;
    else if (name === 'SSPR_TABLE_NAME') env[name] = TABLE;
    else if (name === 'SSPR_NOTIFIER_PUBLIC_KEY') env[name] = publicKey;
    else env[name] = name; // secret ids: the responder answers by id
  }
  if (env.SSPR_CONFIG) {
    const config = JSON.parse(env.SSPR_CONFIG) as Record<string, unknown>;
    const directory = (config.directory ?? {}) as Record<string, unknown>;
    if (samba) {
      // The demo domain on Samba AD (DESIGN §7): the schema's defaults are its names.
      delete config.domain;
      config.directory = { ...directory, urls: [samba.SSPR_LDAP_URL] };
      if (env.SSPR_LDAP_BIND_DN) env.SSPR_LDAP_BIND_DN = samba.SSPR_LDAP_BIND_DN;
      if (env.SSPR_LDAP_CA_FILE) env.SSPR_LDAP_CA_FILE = samba.SSPR_LDAP_CA_FILE;
    } else {
      // Port 9 on loopback: refused at once, so directory routes answer 503 after their real setup.
      config.directory = { ...directory, urls: ['ldaps://127.0.0.1:9'] };
    }
    env.SSPR_CONFIG = JSON.stringify(config);
  }
  return env;
}

interface ProbeResult {
  importMs: number;
  requestMs: number | null;
  status: number | null;
}

async function probeOnce(
  probe: string,
  file: string,
  exportName: string,
  event: unknown,
  env: Record<string, string>,
  cwd: string,
): Promise<ProbeResult> {
  const args = [probe, file, exportName, ...(event === null ? [] : [JSON.stringify(event)])];
  const { stdout } = await run(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 60_000,
  }).catch((error: { stderr?: string; message: string }) => {
    throw new Error(`bundle probe of ${file} failed: ${error.stderr?.slice(0, 600) ?? error.message}`);
  });
  const line = stdout.split('\n').findLast((l) => l.startsWith('BENCH_PROBE '));
  if (!line) throw new Error(`bundle probe of ${file} printed no result: ${stdout.slice(-300)}`);
  return JSON.parse(line.slice('BENCH_PROBE '.length)) as ProbeResult;
}

/** Secrets Manager's GetSecretValue, answered by secret id (the environment variable's name), bench only. */
async function startSecretsResponder(
  samba: SambaEnv | null,
): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const keys = generateSealingKeyPair();
  const values: Record<string, string> = {
    SSPR_ORIGIN_SECRET_ID: ORIGIN_SECRET,
    SSPR_PEPPER_SECRET_ID: randomBytes(32).toString('base64'),
    SSPR_DECOY_KEY_SECRET_ID: randomBytes(32).toString('base64'),
    SSPR_AUTHENTICATOR_KEY_SECRET_ID: randomBytes(32).toString('base64'),
    SSPR_BIND_SECRET_ID: samba?.SSPR_LDAP_BIND_PASSWORD ?? 'bench-bind-password',
    SSPR_NOTIFIER_KEY_SECRET_ID: keys.privateKey,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const id = (JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string }).SecretId ?? '';
      const value = values[id];
      if (target !== 'secretsmanager.GetSecretValue' || value === undefined) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: `no secret ${id}` }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${id}`,
          Name: id,
          SecretString: value,
          VersionId: 'bench',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: Date.now() / 1000,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
