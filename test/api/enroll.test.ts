import { describeEnrollApi } from './enroll.suite.js';

describeEnrollApi('memory');
