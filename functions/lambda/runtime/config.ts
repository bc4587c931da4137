/** The rules (DESIGN §6), from SSPR_CONFIG: validated at cold start, so a bad config never fails a request. */
import { loadConfig } from '../../core/config.js';

export const config = loadConfig(process.env);
