/** Deny and allow groups by SID and by DN through the API on the in-memory stand-in (the suite also runs on Samba). */
import { describeEligibilityGroupsApi } from './eligibilityGroups.suite.js';

describeEligibilityGroupsApi('memory');
