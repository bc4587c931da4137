/** The one Secrets Manager client of a deployed function, created at cold start and reused by every secret it reads. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const secretsClient = new SecretsManagerClient({});
