/**
 * Template assertions and cdk-nag for issue 8 (bundling off). One test file, so that the suites share one process and
 * its cached synths (a first synth costs seconds; each variant is built once here).
 */
import { edgeSuite } from './edge.suite.js';
import { nagSuite } from './nag.suite.js';
import { stackSuite } from './stack.suite.js';

stackSuite();
edgeSuite();
nagSuite();
