/**
 * The deploy-time custom resource that makes the notifier's key pair (functions/lambda/notifierKeys.ts): it answers
 * CloudFormation on the response URL, keeps a key already in the secret, and never returns the private key.
 */
import { createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exportPublicKey, generateSealingKeyPair, parsePrivateKey } from '../../functions/adapters/sealing.js';
import { handler } from '../../functions/lambda/notifierKeys.js';

const secretsManager = mockClient(SecretsManagerClient);
const SECRET = 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:notifier';
let server: Server;
let url = '';
const responses: Record<string, unknown>[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      responses.push({ method: req.method, ...JSON.parse(body) });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  secretsManager.reset();
  responses.length = 0;
});

function event(requestType: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:eu-central-1:111122223333:function:keys',
    ResponseURL: url,
    StackId: 'arn:aws:cloudformation:eu-central-1:111122223333:stack/Sspr/1',
    RequestId: 'req-1',
    LogicalResourceId: 'NotifierKeyPair',
    ResourceType: 'Custom::SsprNotifierKey',
    ResourceProperties: { ServiceToken: 'x', SecretId: SECRET },
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: `notifier-key:${SECRET}`, OldResourceProperties: {} }),
  } as CloudFormationCustomResourceEvent;
}

describe('notifier key custom resource', () => {
  it('replaces the placeholder CloudFormation generated with a new private key and returns only its public key', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'placeholder-from-cloudformation' });
    secretsManager.on(PutSecretValueCommand).resolves({});
    await handler(event('Create'));
    const put = secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(put?.SecretId).toBe(SECRET);
    const privateKey = parsePrivateKey(String(put?.SecretString));
    expect(responses).toHaveLength(1);
    const response = responses[0] as { Status: string; Data: { PublicKey: string }; PhysicalResourceId: string };
    expect(response.Status).toBe('SUCCESS');
    expect(response.Data.PublicKey).toBe(exportPublicKey(createPublicKey(privateKey)));
    expect(JSON.stringify(response)).not.toContain(String(put?.SecretString));
  });

  it('keeps a key already in the secret on update (no accidental rotation)', async () => {
    const pair = generateSealingKeyPair();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: pair.privateKey });
    await handler(event('Update'));
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', Data: { PublicKey: pair.publicKey } });
  });

  it('answers Delete without touching the secret (it is retained)', async () => {
    await handler(event('Delete'));
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `notifier-key:${SECRET}` });
  });

  it('reports FAILED with the reason when the secret cannot be read, so the deploy stops instead of hanging', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    await handler(event('Create'));
    expect(responses[0]).toMatchObject({ Status: 'FAILED', RequestId: 'req-1', LogicalResourceId: 'NotifierKeyPair' });
    expect(String((responses[0] as { Reason: string }).Reason)).toContain('AccessDeniedException');
  });
});
