/** Deployed entry of the answer route (functions/answer.ts). */
import { createAnswerHandler } from '../answer.js';
import { deployed } from './runtime/base.js';
import { requestPorts } from './runtime/requestPorts.js';

export const handler = deployed(createAnswerHandler(requestPorts));
