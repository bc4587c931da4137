/** The same enroll API suites against Samba AD (run with SSPR_TEST_AD; see vitest.config.ts for their order). */
import { describe } from 'vitest';
import { warnSambaSkipped } from '../support/sambaGate.js';
import { describeEnrollApi } from './enroll.suite.js';
import { describeEnrollLimits } from './enrollLimits.suite.js';
import { SAMBA_ENABLED } from './harness.js';

warnSambaSkipped('enroll API on Samba AD');

describe.runIf(SAMBA_ENABLED)('on Samba AD', () => {
  describeEnrollApi('samba');
  describeEnrollLimits('samba');
});
