/**
 * The directory of a deployed function: LDAPS to the configured DCs, trusting only the CA bundle shipped next to the
 * bundle (ca.pem), bound as the service account whose password is read from Secrets Manager.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LdapDirectory } from '../../adapters/ldap/ldapDirectory.js';
import { BIND_PASSWORD_PLACEHOLDER, CachedSecretString } from '../../adapters/secretsManager.js';
import { logger } from './base.js';
import { config } from './config.js';
import { requireEnv } from './env.js';
import { secretsClient } from './secretsClient.js';

const env = requireEnv('SSPR_BIND_SECRET_ID', 'SSPR_LDAP_BIND_DN');
const here = dirname(fileURLToPath(import.meta.url));
const bindPassword = new CachedSecretString(env.SSPR_BIND_SECRET_ID, 'bind password', secretsClient);

export const directory = new LdapDirectory({
  urls: config.directory.urls,
  bindDn: env.SSPR_LDAP_BIND_DN,
  bindPassword: Object.assign(
    async () => {
      const value = await bindPassword.value();
      if (value === BIND_PASSWORD_PLACEHOLDER) {
        throw new Error('the bind secret holds its placeholder: put the service account password in (docs/deploy.md)');
      }
      return value;
    },
    { forget: () => bindPassword.forget() },
  ),
  ca: readFileSync(resolve(here, process.env.SSPR_LDAP_CA_FILE ?? 'ca.pem')),
  baseDn: config.domain.baseDn,
  searchBases: config.domain.searchBases,
  connectTimeoutMs: config.directory.connectTimeoutMs,
  operationTimeoutMs: config.directory.operationTimeoutMs,
  logger,
});
