/**
 * Password proofs never lock an account, on Samba AD behind a TCP proxy that delays every chunk 15 ms each way (a
 * 30 ms round trip, as a DC over a VPN). Run with SSPR_TEST_AD; see vitest.config.ts for the order of Samba files.
 */
import { describe } from 'vitest';
import { warnSambaSkipped } from '../support/sambaGate.js';
import { SAMBA_ENABLED } from './harness.js';
import { describeProofLockout } from './proofLockout.suite.js';

warnSambaSkipped('password proofs under latency on Samba AD');

describe.runIf(SAMBA_ENABLED)('on Samba AD', () => {
  describeProofLockout({ directory: 'samba', roundTripMs: 30 });
});
