/** `npm start`: the whole service on its embedded defaults (DESIGN §7). */
import { resolve } from 'node:path';
import { ConfigError } from '../functions/core/config.js';
import { ldapSettingsFromEnv, startLocalStack } from './stack.js';

const env = process.env;
// Development runs on Node 20 with SDK versions pinned in the lockfile; Lambdas run Node 22+, where it never fires.
env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

try {
  const stack = await startLocalStack({
    dataDir: resolve(env.SSPR_DATA_DIR ?? '.sspr'),
    port: Number(env.PORT ?? 8787),
    config: env.SSPR_CONFIG,
    clockOffsetSeconds: Number(env.SSPR_CLOCK_OFFSET_SECONDS ?? 0),
    ldap: ldapSettingsFromEnv(env),
  });
  const shutdown = () => {
    stack.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  console.log(
    [
      '',
      `  Self-service password reset is running on ${stack.url}`,
      '',
      `  Data:        ${stack.dataDir} (store: ${stack.storeEndpoint})`,
      `  Outbox:      ${stack.outboxFile} (every e-mail and SMS the service sends)`,
      ...(stack.memoryDirectory
        ? [
            '  Directory:   in-memory corp.example.test (CORP), demo users and passwords in README.md',
            '               e.g. alice / Orchid!2026a, bob / Maple!2026b; ivan is locked and enrolled',
          ]
        : [`  Directory:   ${env.SSPR_LDAP_URL} (LDAPS, CA ${env.SSPR_LDAP_CA_FILE})`]),
      '',
      '  Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('Could not start the local stack:', error);
  }
  process.exit(1);
}
