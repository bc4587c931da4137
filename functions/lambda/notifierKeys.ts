/**
 * Deploy-time only (a CloudFormation custom resource, not an API route): makes sure the notifier's key secret holds an
 * X25519 private key and returns its public key, which the request functions get as SSPR_NOTIFIER_PUBLIC_KEY. A key
 * already in the secret is kept (updates never rotate it by accident); only an empty or malformed secret gets a new one.
 * The private key never leaves Secrets Manager except to the notifier; the response carries the public key only.
 */
import { createPublicKey } from 'node:crypto';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { exportPublicKey, generateSealingKeyPair, parsePrivateKey } from '../adapters/sealing.js';

const client = new SecretsManagerClient({});

export async function handler(event: CloudFormationCustomResourceEvent): Promise<void> {
  const secretId = String(event.ResourceProperties.SecretId ?? '');
  const physicalId = `notifier-key:${secretId}`;
  try {
    const data: Record<string, string> = event.RequestType === 'Delete' ? {} : { PublicKey: await ensureKey(secretId) };
    await respond(event, { Status: 'SUCCESS', PhysicalResourceId: physicalId, Data: data });
  } catch (error) {
    await respond(event, {
      Status: 'FAILED',
      PhysicalResourceId: physicalId,
      Reason: `notifier key: ${(error as Error).name}: ${(error as Error).message}`.slice(0, 500),
    });
  }
}

async function ensureKey(secretId: string): Promise<string> {
  const current = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (typeof current.SecretString === 'string') {
    try {
      return exportPublicKey(createPublicKey(parsePrivateKey(current.SecretString)));
    } catch {
      // The placeholder CloudFormation generated, or a damaged value: replaced below.
    }
  }
  const pair = generateSealingKeyPair();
  await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: pair.privateKey }));
  return pair.publicKey;
}

interface CustomResourceResponse {
  Status: 'SUCCESS' | 'FAILED';
  PhysicalResourceId: string;
  Reason?: string;
  Data?: Record<string, string>;
}

async function respond(event: CloudFormationCustomResourceEvent, response: CustomResourceResponse): Promise<void> {
  const body = JSON.stringify({
    ...response,
    Reason: response.Reason ?? 'see the function log',
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // The pre-signed S3 URL CloudFormation waits on; it was signed without a content type.
  const result = await fetch(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '' }, body });
  if (!result.ok) throw new Error(`CloudFormation response refused: HTTP ${result.status}`);
}
