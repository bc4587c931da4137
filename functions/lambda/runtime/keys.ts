/** The pepper, the decoy key and the authenticator key (Secrets Manager), read on first use and kept for the instance's life. */
import { SecretsManagerSecrets } from '../../adapters/secretsManager.js';
import { requireEnv } from './env.js';
import { secretsClient } from './secretsClient.js';

const env = requireEnv('SSPR_PEPPER_SECRET_ID', 'SSPR_DECOY_KEY_SECRET_ID', 'SSPR_AUTHENTICATOR_KEY_SECRET_ID');

export const secrets = new SecretsManagerSecrets(
  {
    pepperSecretId: env.SSPR_PEPPER_SECRET_ID,
    decoyKeySecretId: env.SSPR_DECOY_KEY_SECRET_ID,
    authenticatorKeySecretId: env.SSPR_AUTHENTICATOR_KEY_SECRET_ID,
  },
  secretsClient,
);
