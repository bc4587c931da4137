/**
 * dynalite run in-process for the local stack and the tests (DESIGN §7, notes/aws-offline.md): a loopback port of the
 * system's choosing, in memory or on disk, and the table created at start.
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableDefinition } from '../functions/adapters/store.js';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS and ships no types.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;

export interface RunningDynalite {
  /** e.g. http://127.0.0.1:41234 */
  endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 and an ephemeral port; in memory unless `path` names a data directory. */
export async function startDynalite(options: { path?: string } = {}): Promise<RunningDynalite> {
  if (options.path) await mkdir(options.path, { recursive: true });
  // Zero delays: tables are ACTIVE at once, so a test or the stack never waits on simulated provisioning.
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep their sockets alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

/** Client options for a local endpoint: a fixed region and dummy credentials, which dynalite does not check. */
export function localClientOptions(endpoint: string): DynamoDBClientConfig {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

type AnyDynamoClient = DynamoDBClient | DynamoDBDocumentClient;

/** Creates the table (tableDefinition) unless it exists, and waits until it is ACTIVE. */
export async function ensureTable(client: AnyDynamoClient, tableName: string): Promise<void> {
  // The DocumentClient passes control-plane commands through unchanged; its send() is merely typed for data commands.
  const raw = client as DynamoDBClient;
  let status = await tableStatus(raw, tableName);
  if (status === null) {
    try {
      await raw.send(new CreateTableCommand(tableDefinition(tableName)));
    } catch (error) {
      // Someone else (another test file, a second stack on the same data) created it first.
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    }
    status = await tableStatus(raw, tableName);
  }
  for (let attempt = 0; status !== 'ACTIVE'; attempt++) {
    if (attempt >= 100) throw new Error(`table ${tableName} is not ACTIVE (status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    status = await tableStatus(raw, tableName);
  }
}

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | null> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus ?? 'UNKNOWN';
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return null;
    throw error;
  }
}
