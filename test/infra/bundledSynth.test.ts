/**
 * The real synth (issue 8 §3): `npx cdk synth` as an operator runs it (cdk.json's app: the web build, then bin/sspr.ts
 * with cdk-nag), offline, with esbuild bundling every function. Every function's asset holds its ESM bundle and a
 * source map without sources content; the functions that talk to the directory carry the CA bundle as ca.pem.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
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
  await run('npx', ['cdk', 'synth', '--quiet', '-o', out], {
    cwd: REPO_ROOT,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
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
    // config and every flow function but verifyContact.
    expect(directoryFunctions).toHaveLength(ROUTES.length - 2);
    for (const fn of functions) {
      if (directoryFunctions.includes(fn)) {
        expect(readFileSync(join(fn.dir, 'ca.pem'), 'utf8'), fn.description).toBe(ca);
      } else {
        expect(existsSync(join(fn.dir, 'ca.pem')), fn.description).toBe(false);
      }
    }
  });
});
