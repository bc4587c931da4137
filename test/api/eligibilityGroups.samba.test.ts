/** The same eligibility-group API suite against Samba AD (run with SSPR_TEST_AD; see vitest.config.ts). */
import { describe } from 'vitest';
import { warnSambaSkipped } from '../support/sambaGate.js';
import { describeEligibilityGroupsApi } from './eligibilityGroups.suite.js';
import { SAMBA_ENABLED } from './harness.js';

warnSambaSkipped('eligibility groups API on Samba AD');

describe.runIf(SAMBA_ENABLED)('on Samba AD', () => {
  describeEligibilityGroupsApi('samba');
});
