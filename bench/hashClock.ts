/**
 * Times the deliberate answer hash inside requests: wraps the hasher port (LocalStackOptions.wrapPorts.hasher) and adds
 * up the wall time during which at least one hash was running. Enroll hashes its answers in parallel, so the union of
 * the intervals is what the request spent waiting on hashes, not their sum.
 */
import { performance } from 'node:perf_hooks';
import type { Directory, DirectorySession } from '../functions/core/directory.js';
import type { AnswerHasher } from '../functions/core/ports.js';

export class HashClock {
  private active = 0;
  private since = 0;
  private totalMs = 0;
  private calls = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  wrap(hasher: AnswerHasher): AnswerHasher {
    return {
      hash: (answer) => this.time(() => hasher.hash(answer)),
      verify: (answer, stored) => this.time(() => hasher.verify(answer, stored)),
      needsRehash: (stored) => hasher.needsRehash(stored),
    };
  }

  /**
   * The directory with its password writes timed: the domain controller's own work on a new password (on Samba, key
   * derivation for Kerberos), which like the answer hash is not the service's code.
   */
  wrapDirectoryWrites(directory: Directory): Directory {
    return {
      serviceAccountDn: directory.serviceAccountDn,
      openSession: async (options) => {
        const session = await directory.openSession(options);
        return Object.assign(Object.create(session) as DirectorySession, {
          resetPassword: (...args: Parameters<DirectorySession['resetPassword']>) =>
            this.time(() => session.resetPassword(...args)),
          changePassword: (...args: Parameters<DirectorySession['changePassword']>) =>
            this.time(() => session.changePassword(...args)),
        });
      },
    };
  }

  /** The hashing time and number of hash calls since the last take (a hash still running counts up to now). */
  take(): { ms: number; calls: number } {
    const now = this.now();
    const ms = this.totalMs + (this.active > 0 ? now - this.since : 0);
    const result = { ms, calls: this.calls };
    this.totalMs = 0;
    this.calls = 0;
    if (this.active > 0) this.since = now;
    return result;
  }

  /** Times any awaited work the same way (the bench also times AD's own password writes with a second clock). */
  async time<T>(work: () => Promise<T>): Promise<T> {
    if (this.active === 0) this.since = this.now();
    this.active += 1;
    this.calls += 1;
    try {
      return await work();
    } finally {
      this.active -= 1;
      if (this.active === 0) this.totalMs += this.now() - this.since;
    }
  }
}
