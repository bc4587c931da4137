import { describeResetApi } from './reset.suite.js';

describeResetApi('memory');
