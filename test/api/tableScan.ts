import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localClientOptions } from '../../local/dynalite.js';
import { TABLE_NAME } from '../../local/stack.js';

/** Reads the raw table of a running stack through endpoint.json, as an operator's tool would. */
export async function scanTable(dataDir: string): Promise<Record<string, unknown>[]> {
  const { dynamodb } = JSON.parse(await readFile(join(dataDir, 'endpoint.json'), 'utf8')) as { dynamodb: string };
  const client = new DynamoDBClient(localClientOptions(dynamodb));
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
