/**
 * Where the CLI acts: the ports of the local stack (default) or of a deployed stack (--stack NAME), the same ports the
 * request functions use. The store is opened at once; the directory and the outbox only when a command needs them
 * (audit and reports touch the table alone).
 */
import type { Clock } from '../functions/core/clock.js';
import type { Config } from '../functions/core/config.js';
import type { Directory } from '../functions/core/directory.js';
import type { Outbox } from '../functions/core/ports.js';
import type { Store } from '../functions/core/store.js';

export interface LdapTarget {
  urls: string[];
  bindDn: string;
  bindPassword: string;
  /** PEM bundle. */
  ca: Buffer;
  /** Where the bundle came from, for messages. */
  caSource: string;
  baseDn: string;
  searchBases: string[];
  connectTimeoutMs: number;
  operationTimeoutMs: number;
}

export interface DirectoryAccess {
  directory: Directory;
  /** e.g. "in-memory corp.example.test (local stand-in)" or "ldaps://dc1.example.com:636". */
  describe: string;
  /** The sAMAccountNames of the user accounts under the search bases (for reports). */
  listUserNames(onProgress?: (found: number) => void): Promise<string[]>;
  /** The LDAPS settings, for doctor; null for the in-memory stand-in. */
  ldap: LdapTarget | null;
  close(): Promise<void>;
}

export interface Backend {
  mode: 'local' | 'deployed';
  /** One line: where the CLI acts. */
  describe: string;
  /** For error messages: the table's name and where it lives. */
  table: string;
  storeLocation: string;
  config: Config;
  clock: Clock;
  store: Store;
  directory(): Promise<DirectoryAccess>;
  outbox(): Promise<Outbox>;
  /** The decoy key: names that resolve to no account are kept under its keyed hash (core/subjects.ts). */
  decoyKey(): Promise<Buffer>;
  close(): Promise<void>;
}
