import { describeEnrollLimits } from './enrollLimits.suite.js';

describeEnrollLimits('memory');
