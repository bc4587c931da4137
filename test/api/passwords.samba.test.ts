/** The password reset and change API suite against Samba AD (run with SSPR_TEST_AD; see vitest.config.ts for their order). */
import { describe } from 'vitest';
import { warnSambaSkipped } from '../support/sambaGate.js';
import { SAMBA_ENABLED } from './harness.js';
import { describePasswordApi } from './passwords.suite.js';

warnSambaSkipped('password reset and change API on Samba AD');

describe.runIf(SAMBA_ENABLED)('on Samba AD', () => {
  describePasswordApi('samba');
});
