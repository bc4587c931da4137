/** The reset and unlock API suite against Samba AD (run with SSPR_TEST_AD; see vitest.config.ts for their order). */
import { describe } from 'vitest';
import { warnSambaSkipped } from '../support/sambaGate.js';
import { SAMBA_ENABLED } from './harness.js';
import { describeResetApi } from './reset.suite.js';

warnSambaSkipped('reset and unlock API on Samba AD');

describe.runIf(SAMBA_ENABLED)('on Samba AD', () => {
  describeResetApi('samba');
});
