/**
 * The keys of a function given only some of them (lib/api.ts ROUTE_NEEDS `onlyKeys`): the ones whose secret id is in
 * its environment, read on first use and kept for the instance's life; any other is refused when asked for.
 */
import { GrantedSecrets } from '../../adapters/secretsManager.js';
import { secretsClient } from './secretsClient.js';

const id = (name: string): string | undefined => process.env[name] || undefined;

export const grantedSecrets = new GrantedSecrets(
  {
    pepperSecretId: id('SSPR_PEPPER_SECRET_ID'),
    decoyKeySecretId: id('SSPR_DECOY_KEY_SECRET_ID'),
    authenticatorKeySecretId: id('SSPR_AUTHENTICATOR_KEY_SECRET_ID'),
  },
  secretsClient,
);
