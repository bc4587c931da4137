/** Deployed entry of the answer route (functions/answer.ts). */
import { createAnswerHandler } from '../answer.js';
import { deployed } from './runtime/base.js';
import { flowPorts } from './runtime/flowPorts.js';

export const handler = deployed(createAnswerHandler(flowPorts));
