/** Deployed entry of the enroll route (functions/enroll.ts). */
import { createEnrollHandler } from '../enroll.js';
import { deployed } from './runtime/base.js';
import { flowPorts, newId } from './runtime/flowPorts.js';

const { newChannelId: _unused, ...ports } = flowPorts;

export const handler = deployed(createEnrollHandler({ ...ports, newContactId: newId }));
