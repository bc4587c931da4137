import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { localClientOptions } from '../../local/dynalite.js';
import { TABLE_NAME } from '../../local/stack.js';

async function tableClient(dataDir: string): Promise<DynamoDBClient> {
  const { dynamodb } = JSON.parse(await readFile(join(dataDir, 'endpoint.json'), 'utf8')) as { dynamodb: string };
  return new DynamoDBClient(localClientOptions(dynamodb));
}

/** Reads the raw table of a running stack through endpoint.json, as an operator's tool would. */
export async function scanTable(dataDir: string): Promise<Record<string, unknown>[]> {
  const client = await tableClient(dataDir);
  try {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, never> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
      start = page.LastEvaluatedKey as typeof start;
    } while (start);
    return items;
  } finally {
    client.destroy();
  }
}

/** Items other than rate counters and audit events: what a refused request must never write. */
export function durableItems(items: Record<string, unknown>[]): string[] {
  return items
    .map((item) => `${String(item.pk)} ${String(item.sk)}`)
    .filter((key) => !key.startsWith('RATE#') && !key.startsWith('AUDIT#'))
    .sort();
}

/**
 * Writes one item as it is given, around the store: a record in a shape an older release wrote (what the store must
 * still read) is made by reading an item with scanTable and putting it back changed.
 */
export async function putRawItem(dataDir: string, item: Record<string, unknown>): Promise<void> {
  const client = await tableClient(dataDir);
  try {
    await client.send(new PutItemCommand({ TableName: TABLE_NAME, Item: marshall(item) }));
  } finally {
    client.destroy();
  }
}

/**
 * The raw items of `entity` (a flow, a methods session) that hold the SHA-256 (base64url) of a passkey challenge: how
 * a live challenge is kept, computed here on its own rather than by the code under test.
 */
export function holdersOfChallenge(
  items: Record<string, unknown>[],
  entity: 'flow' | 'methodsSession',
  challenge: string,
): Record<string, unknown>[] {
  const hash = createHash('sha256').update(challenge, 'utf8').digest('base64url');
  return items.filter((item) => item.entity === entity && item.passkeyChallengeHash === hash);
}
