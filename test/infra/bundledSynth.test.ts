/**
 * The real synth (issue 8 §3): `npx cdk synth` as an operator runs it (cdk.json's app: the web build, then bin/sspr.ts
 * with cdk-nag), offline, with esbuild bundling every function. Every function's asset holds its ESM bundle and a
 * source map without sources content; the functions that talk to the directory carry the CA bundle as ca.pem.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/http/routes.js';
import { REPO_ROOT } from '../../lib/paths.js';
import { UNREACHED_CREDENTIAL_SOURCES } from '../../lib/ssprFunction.js';

const run = promisify(execFile);

interface LambdaJson {
  Type: string;
  Properties: {
    Description?: string;
    Handler?: string;
    Code: { S3Key?: string };
    Environment?: { Variables?: Record<string, unknown> };
  };
}

let out = '';
let functions: { description: string; dir: string; env: Record<string, unknown> }[] = [];

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'sspr-synth-'));
  // The app without cdk.json's web build: rebuilding web/dist here would pull the page from under the browser suite
  // running at the same time. The page comes from a folder of its own (SSPR_WEB_DIR).
  const page = mkdtempSync(join(tmpdir(), 'sspr-synth-web-'));
  writeFileSync(join(page, 'index.html'), '<!doctype html><title>SSPR</title>');
  await run('npx', ['cdk', 'synth', '--quiet', '--app', 'npx tsx bin/sspr.ts', '-o', out], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      CDK_DISABLE_VERSION_CHECK: '1',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      SSPR_WEB_DIR: page,
    },
    timeout: 170_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const template = JSON.parse(readFileSync(join(out, 'Sspr.template.json'), 'utf8')) as {
    Resources: Record<string, LambdaJson>;
  };
  const assets = JSON.parse(readFileSync(join(out, 'Sspr.assets.json'), 'utf8')) as {
    files: Record<string, { source: { path: string } }>;
  };
  functions = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description?.startsWith('SSPR '))
    .map((r) => {
      const hash = (r.Properties.Code.S3Key ?? '').replace(/\.zip$/, '');
      const path = assets.files[hash]?.source.path ?? '';
      return {
        description: r.Properties.Description ?? '',
        dir: isAbsolute(path) ? path : join(out, path),
        env: r.Properties.Environment?.Variables ?? {},
      };
    });
}, 180_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('npx cdk synth with bundling', () => {
  it('builds every function of the product: one per route, $default, the notifier and the key maker', () => {
    expect(functions).toHaveLength(ROUTES.length + 3);
    for (const route of ROUTES) {
      expect(functions.map((f) => f.description)).toContain(`SSPR ${route.method} ${route.path}`);
    }
  });

  it('puts index.mjs and its source map in every function asset, the map without sources content', () => {
    for (const fn of functions) {
      const files = readdirSync(fn.dir);
      expect(files, fn.description).toContain('index.mjs');
      expect(files, fn.description).toContain('index.mjs.map');
      const bundle = readFileSync(join(fn.dir, 'index.mjs'), 'utf8');
      // Booleans, not matchers on the bundle: a failure would print megabytes.
      expect(/export\s*\{[^}]*\bas handler\s*\}/.test(bundle), `${fn.description}: exports handler`).toBe(true);
      expect(
        bundle.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map'),
        `${fn.description}: names its source map`,
      ).toBe(true);
      for (const map of files.filter((f) => f.endsWith('.map'))) {
        const json = JSON.parse(readFileSync(join(fn.dir, map), 'utf8')) as Record<string, unknown>;
        expect(json.version).toBe(3);
        expect(json.sources, `${fn.description} ${map}`).toBeInstanceOf(Array);
        expect(json, `${fn.description} ${map}`).not.toHaveProperty('sourcesContent');
      }
    }
  });

  it('bundles the SDK: the left-out credential sources are reached only by dynamic import', () => {
    for (const fn of functions) {
      const bundle = readFileSync(join(fn.dir, 'index.mjs'), 'utf8');
      expect(/from\s*["']@aws-sdk\/client-/.test(bundle), `${fn.description}: imports an SDK client`).toBe(false);
      for (const name of UNREACHED_CREDENTIAL_SOURCES) {
        const statically = new RegExp(`(from|import)\\s*["']${name.replace('/', '\\/')}["']`);
        expect(statically.test(bundle), `${fn.description}: imports ${name} statically`).toBe(false);
      }
    }
    const secretsReaders = functions.filter((fn) => fn.env.SSPR_ORIGIN_SECRET_ID !== undefined);
    expect(secretsReaders.length).toBe(ROUTES.length + 1);
    for (const fn of secretsReaders) {
      expect(readFileSync(join(fn.dir, 'index.mjs'), 'utf8').includes('GetSecretValue'), fn.description).toBe(true);
    }
  });

  it('ships the CA bundle as ca.pem with the functions that use the directory, and only with them', () => {
    const ca = readFileSync(join(REPO_ROOT, 'config/example-ca.pem'), 'utf8');
    const directoryFunctions = functions.filter((fn) => fn.env.SSPR_LDAP_CA_FILE === 'ca.pem');
    // config and every flow function but verifyContact and repudiate (neither reads an account).
    expect(directoryFunctions).toHaveLength(ROUTES.length - 3);
    for (const fn of functions) {
      if (directoryFunctions.includes(fn)) {
        expect(readFileSync(join(fn.dir, 'ca.pem'), 'utf8'), fn.description).toBe(ca);
      } else {
        expect(existsSync(join(fn.dir, 'ca.pem')), fn.description).toBe(false);
      }
    }
  });

  it('runs a bundle as Lambda would: the health function answers through the origin check, and 404 around it', async () => {
    const health = functions.find((fn) => fn.description === 'SSPR GET /api/health');
    if (!health) throw new Error('no health function');
    // Secrets Manager's GetSecretValue answered on loopback: there is no local Secrets Manager to run.
    const asked: string[] = [];
    const secrets = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        asked.push(
          `${req.headers['x-amz-target']} ${body} signed:${/^AWS4-HMAC-SHA256 /.test(req.headers.authorization ?? '')}`,
        );
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        res.end(JSON.stringify({ Name: 'origin', SecretString: 'origin-secret-value' }));
      });
    });
    await new Promise<void>((resolve) => secrets.listen(0, '127.0.0.1', resolve));
    try {
      const script = `
        const { handler } = await import(${JSON.stringify(pathToFileURL(join(health.dir, 'index.mjs')).href)});
        const event = (headers) => ({ version: '2.0', routeKey: '$default', rawPath: '/api/health', rawQueryString: '',
          headers, isBase64Encoded: false, requestContext: { requestId: 'r1', http: { method: 'GET', path: '/api/health',
          protocol: 'HTTP/1.1', sourceIp: '130.176.1.1', userAgent: 't' } } });
        const through = await handler(event({ 'x-sspr-origin': 'origin-secret-value',
          'cloudfront-viewer-address': '198.51.100.7:4242' }), {});
        const around = await handler(event({}), {});
        process.stdout.write(JSON.stringify({ through, around }) + '\\n');`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_REGION: 'eu-central-1',
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'example',
          AWS_SESSION_TOKEN: 'example',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          SSPR_ORIGIN_SECRET_ID: 'origin',
          SSPR_VERSION: '9.9.9',
        },
        timeout: 30_000,
      });
      const lines = stdout.trim().split('\n');
      const result = JSON.parse(lines[lines.length - 1] ?? '{}') as Record<
        string,
        { statusCode: number; body: string }
      >;
      expect(result.through?.statusCode).toBe(200);
      expect(JSON.parse(result.through?.body ?? '{}')).toEqual({ ok: true, version: '9.9.9' });
      expect(result.around?.statusCode).toBe(404);
      expect(JSON.parse(result.around?.body ?? '{}').error.code).toBe('NOT_FOUND');
      // One read, kept for the instance; signed with the environment's credentials (the bundled default chain).
      expect(asked).toEqual(['secretsmanager.GetSecretValue {"SecretId":"origin"} signed:true']);
    } finally {
      await new Promise<void>((resolve) => secrets.close(() => resolve()));
    }
  }, 40_000);
});
