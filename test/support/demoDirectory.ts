/**
 * The demo directory as the tests drive it, on either implementation: the in-memory stand-in or Samba AD.
 * Reads go through the product's own directory port; state changes use each directory's own tools.
 */
import type { BindOutcome, Directory, DirectoryAccount, DirectorySession } from '../../functions/core/directory.js';
import type { MemoryDirectory } from '../../local/memoryDirectory.js';
import { applySambaDemoStates, lockOutByBadBinds, type SambaEnv, unlock } from './sambaDemo.js';

export type DirectoryKind = 'memory' | 'samba';

export interface DemoDirectory {
  kind: DirectoryKind;
  /** Every demo user back in the state of DESIGN §7 (ivan locked). */
  applyDemoStates(): Promise<void>;
  /** A fresh read of a demo account through the directory port. */
  account(sam: string): Promise<DirectoryAccount>;
  verifyPassword(sam: string, password: string): Promise<BindOutcome>;
  lockOut(sam: string): Promise<void>;
  unlock(sam: string): Promise<void>;
}

function throughPort(directory: Directory) {
  const withAccount = async <T>(
    sam: string,
    use: (account: DirectoryAccount, session: DirectorySession) => Promise<T>,
  ) => {
    const session = await directory.openSession();
    try {
      const account = await session.findAccount({ by: 'sAMAccountName', value: sam });
      if (!account) throw new Error(`demo account ${sam} not found`);
      return await use(account, session);
    } finally {
      await session.close();
    }
  };
  return {
    account: (sam: string) => withAccount(sam, async (account) => account),
    verifyPassword: (sam: string, password: string) =>
      withAccount(sam, (account, session) => session.verifyPassword(account, password)),
  };
}

export function memoryDemoDirectory(directory: MemoryDirectory): DemoDirectory {
  return {
    kind: 'memory',
    ...throughPort(directory),
    applyDemoStates: async () => directory.applyDemoStates(),
    lockOut: async (sam) => directory.lockOutByBadBinds(sam),
    unlock: async (sam) => directory.unlock(sam),
  };
}

export function sambaDemoDirectory(env: SambaEnv, directory: Directory): DemoDirectory {
  return {
    kind: 'samba',
    ...throughPort(directory),
    applyDemoStates: () => applySambaDemoStates(env),
    lockOut: (sam) => lockOutByBadBinds(env, sam),
    unlock: (sam) => unlock(env, sam),
  };
}
