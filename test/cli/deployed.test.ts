/**
 * `--stack NAME` offline: the deploy config through lib/config.ts, the stack's outputs from CloudFormation (mocked with
 * aws-sdk-client-mock), the clear errors (no credentials, stack not found, not an SSPR stack), and a command reading
 * the deployed table (DynamoDB mocked) end to end through runCli.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { openDeployedBackend, stackOutputs } from '../../cli/deployedBackend.js';
import { CliError } from '../../cli/errors.js';
import { runSspr } from './support.js';

const cloudFormation = mockClient(CloudFormationClient);
const dynamo = mockClient(DynamoDBDocumentClient);

afterEach(() => {
  cloudFormation.reset();
  dynamo.reset();
});

const OUTPUTS = [
  { OutputKey: 'Url', OutputValue: 'https://password.example.com' },
  { OutputKey: 'TableName', OutputValue: 'Sspr-DataTable1234' },
  { OutputKey: 'BindSecretArn', OutputValue: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:bind' },
  { OutputKey: 'PepperSecretArn', OutputValue: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:pepper' },
  { OutputKey: 'DecoyKeySecretArn', OutputValue: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:decoy' },
  // A valid raw X25519 public key (32 bytes, base64url).
  { OutputKey: 'NotifierPublicKey', OutputValue: 'hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo' },
];

function stack(outputs = OUTPUTS) {
  return {
    Stacks: [
      { StackName: 'Sspr', StackStatus: 'CREATE_COMPLETE' as const, CreationTime: new Date(), Outputs: outputs },
    ],
  };
}

async function rejection(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
}

describe('stack outputs', () => {
  it('reads the outputs by key', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Sspr' }).resolves(stack());
    const outputs = await stackOutputs(new CloudFormationClient({ region: 'eu-central-1' }), 'Sspr', 'eu-central-1');
    expect(outputs.TableName).toBe('Sspr-DataTable1234');
    expect(outputs.NotifierPublicKey).toBe('hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo');
  });

  it('says a stack was not found (exit 5)', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));
    const error = await rejection(stackOutputs(new CloudFormationClient({ region: 'eu-west-1' }), 'Nope', 'eu-west-1'));
    expect(error.message).toBe('stack Nope not found in eu-west-1');
    expect(error.exitCode).toBe(5);
  });

  it('says there are no AWS credentials (exit 5)', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      );
    const error = await rejection(stackOutputs(new CloudFormationClient({ region: 'eu-west-1' }), 'Sspr', 'eu-west-1'));
    expect(error.message).toMatch(/^no AWS credentials: set a profile/);
    expect(error.exitCode).toBe(5);
  });

  it('says a stack without the outputs is not (completely) an SSPR stack', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stack(OUTPUTS.filter((o) => o.OutputKey !== 'TableName')));
    const error = await rejection(stackOutputs(new CloudFormationClient({ region: 'eu-west-1' }), 'Sspr', 'eu-west-1'));
    expect(error.message).toMatch(/lacks the outputs TableName: is it an SSPR stack/);
  });
});

describe('the deployed backend', () => {
  it('loads the deploy config through lib/config.ts and acts on the table the stack names, in its region', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Sspr' }).resolves(stack());
    const backend = await openDeployedBackend({
      stackName: 'Sspr',
      configFile: 'config/example.json',
      repoRoot: process.cwd(),
      cwd: process.cwd(),
    });
    try {
      expect(backend.mode).toBe('deployed');
      expect(backend.describe).toBe('stack Sspr in eu-central-1 (table Sspr-DataTable1234)');
      expect(backend.config.domain.netbiosName).toBe('CORP');
      expect(backend.config.directory.urls).toEqual(['ldaps://dc1.corp.example.com', 'ldaps://dc2.corp.example.com']);
      dynamo.on(GetCommand).resolves({});
      expect(await backend.store.getEnrollment('00000000-0000-0000-0000-000000000000')).toBeNull();
      expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input.TableName).toBe('Sspr-DataTable1234');
    } finally {
      await backend.close();
    }
  });

  it('a bad deploy config is exit 5 with its problems', async () => {
    const run = await runSspr(['audit', '--all', '--stack', 'Sspr', '--config', 'package.json'], { env: {} });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/deploy config .*package\.json: Invalid configuration/);
  });

  it('doctor reports a bad deploy config as a failed check (exit 6) and stops there', async () => {
    const run = await runSspr(['doctor', '--json', '--stack', 'Sspr', '--config', 'package.json'], { env: {} });
    expect(run.code).toBe(6);
    const report = JSON.parse(run.stdout);
    expect(report.checks).toEqual([
      expect.objectContaining({
        id: 'config',
        status: 'fail',
        message: expect.stringMatching(/Invalid configuration/),
      }),
    ]);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('npx sspr audit --all --stack reads the deployed table (end to end, AWS mocked)', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Sspr' }).resolves(stack());
    const at = Date.now() - 60_000;
    dynamo.on(ScanCommand).resolves({
      Items: [
        {
          pk: 'AUDIT#alice',
          sk: `${new Date(at).toISOString()}#req-1#abc`,
          entity: 'audit',
          subject: 'alice',
          at,
          event: 'block',
          outcome: 'blocked',
          reason: 'answer',
          sourceAddress: '203.0.113.9',
          userAgent: 'Mozilla/5.0',
          requestId: 'req-1',
        },
      ],
      ScannedCount: 1,
    });
    const run = await runSspr(['audit', '--all', '--since', '1h', '--json', '--stack', 'Sspr'], { env: {} });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ subject: 'alice', event: 'block', outcome: 'blocked' });
    expect(dynamo.commandCalls(ScanCommand)[0]?.args[0].input.TableName).toBe('Sspr-DataTable1234');
  });

  it('an unknown stack through the CLI is exit 5 with the sentence', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Other does not exist'), { name: 'ValidationError' }));
    const run = await runSspr(['report', 'activity', '--stack', 'Other'], { env: {} });
    expect(run.code).toBe(5);
    expect(run.stderr).toBe('sspr: stack Other not found in eu-central-1\n');
  });
});
