/**
 * The one place that creates the DynamoDB DocumentClient. Only functions that use the store import this module, so no
 * other bundle carries the DynamoDB client (DESIGN §10).
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * A new DocumentClient. Endpoint and region come from the SDK's own environment handling (AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL, AWS_REGION) unless `options` names them, which is how the local stack and tests reach dynalite.
 */
export function createDocumentClient(options: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(options), {
    // Optional fields of the domain types (e.g. AuditEvent.reason) arrive as undefined; DynamoDB refuses those.
    marshallOptions: { removeUndefinedValues: true },
  });
}

let shared: DynamoDBDocumentClient | undefined;

/**
 * The client a Lambda uses for its whole life: created on first use and kept, so warm invocations reuse its
 * connections instead of paying a new TLS handshake each time.
 */
export function sharedDocumentClient(): DynamoDBDocumentClient {
  shared ??= createDocumentClient();
  return shared;
}
