/**
 * What the service keeps (DESIGN §5): one table (TTL, stream of new images for the notifier, point-in-time recovery,
 * deletion protection, kept when the stack goes) and the secrets: the bind password (the operator puts it in), the
 * pepper, the decoy key and the origin secret (generated), and the notifier's private key (generated at deploy by
 * a custom resource that hands the stack only the public key).
 */
import { CustomResource, Duration, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { BIND_PASSWORD_PLACEHOLDER } from '../functions/adapters/secretsManager.js';
import { TTL_ATTRIBUTE, tableDefinition } from '../functions/adapters/store.js';
import { SsprFunction } from './ssprFunction.js';

export interface DataProps {
  logRetention: logs.RetentionDays;
  version: string;
}

export class Data extends Construct {
  readonly table: dynamodb.Table;
  readonly bindSecret: secretsmanager.Secret;
  readonly pepperSecret: secretsmanager.Secret;
  readonly decoyKeySecret: secretsmanager.Secret;
  readonly authenticatorKeySecret: secretsmanager.Secret;
  readonly originSecret: secretsmanager.Secret;
  readonly notifierKeySecret: secretsmanager.Secret;
  /** base64url of the notifier's raw X25519 public key (a deploy-time value). */
  readonly notifierPublicKey: string;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    // The same key schema the local stack creates on dynalite (functions/adapters/store.ts).
    const definition = tableDefinition('unused');
    const attributeType = (name: string) => {
      const type = definition.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
      return type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING;
    };
    const keyOf = (schema: typeof definition.KeySchema, kind: 'HASH' | 'RANGE') => {
      const name = schema?.find((k) => k.KeyType === kind)?.AttributeName;
      return name ? { name, type: attributeType(name) } : undefined;
    };
    const partitionKey = keyOf(definition.KeySchema, 'HASH');
    if (!partitionKey) throw new Error('the table definition has no partition key');
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey,
      sortKey: keyOf(definition.KeySchema, 'RANGE'),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      const indexPartitionKey = keyOf(index.KeySchema, 'HASH');
      if (!index.IndexName || !indexPartitionKey) throw new Error('a secondary index needs a name and a partition key');
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: indexPartitionKey,
        sortKey: keyOf(index.KeySchema, 'RANGE'),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    const retained = { removalPolicy: RemovalPolicy.RETAIN };
    // A placeholder the functions recognise and never bind with (a wrong bind counts toward the account's lockout).
    this.bindSecret = new secretsmanager.Secret(this, 'BindPassword', {
      description: 'SSPR: the directory service account password (put it in after the first deploy)',
      secretStringValue: SecretValue.unsafePlainText(BIND_PASSWORD_PLACEHOLDER),
      ...retained,
    });
    // The functions read these keys as base64 of at least 32 bytes (decodeSecretKey): 64 letters and digits are valid
    // base64 of 48 bytes, and carry about 380 random bits.
    const key = (name: string, description: string) =>
      new secretsmanager.Secret(this, name, {
        description,
        generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
        ...retained,
      });
    this.pepperSecret = key(
      'Pepper',
      'SSPR: the pepper keying answer hashes and code HMACs (rotating it voids enrollments)',
    );
    this.decoyKeySecret = key('DecoyKey', 'SSPR: the key choosing decoy questions for names that are not enrolled');
    // Its own key, never the pepper: whoever has the pepper must not also be able to read every authenticator seed.
    this.authenticatorKeySecret = key(
      'AuthenticatorKey',
      'SSPR: the key sealing authenticator app seeds (rotating it voids enrolled authenticators)',
    );
    this.originSecret = new secretsmanager.Secret(this, 'OriginSecret', {
      description: 'SSPR: the header value CloudFront adds so the API answers only requests that came through it',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      ...retained,
    });
    this.notifierKeySecret = new secretsmanager.Secret(this, 'NotifierKey', {
      description: 'SSPR: the notifier private key opening sealed outbox items (only the notifier reads it)',
      ...retained,
    });

    const keyMaker = new SsprFunction(this, 'NotifierKeyMaker', {
      entry: 'notifierKeys',
      description: 'SSPR deploy-time: makes the notifier key pair, returns the public key',
      serviceConfig: {},
      logRetention: props.logRetention,
      timeout: Duration.seconds(30),
      memorySize: 256,
      version: props.version,
    });
    this.notifierKeySecret.grantRead(keyMaker.fn);
    this.notifierKeySecret.grantWrite(keyMaker.fn);
    const keys = new CustomResource(this, 'NotifierKeyPair', {
      serviceToken: keyMaker.fn.functionArn,
      resourceType: 'Custom::SsprNotifierKey',
      properties: { SecretId: this.notifierKeySecret.secretArn },
    });
    keys.node.addDependency(keyMaker.fn);
    this.notifierPublicKey = keys.getAttString('PublicKey');
  }
}
