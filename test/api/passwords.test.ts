import { describePasswordApi } from './passwords.suite.js';

describePasswordApi('memory');
