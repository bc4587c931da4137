/** What the reset and unlock flow takes from the outside (DESIGN §4 Reset and unlock). */
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Directory } from '../directory.js';
import type { Logger } from '../log.js';
import type { AnswerHasher, Outbox, Secrets } from '../ports.js';
import type { Store } from '../store.js';

export interface FlowPorts {
  directory: Directory;
  store: Store;
  hasher: AnswerHasher;
  outbox: Outbox;
  secrets: Secrets;
  clock: Clock;
  config: Config;
  logger: Logger;
  /** An opaque random id for a code channel of a flow. */
  newChannelId(): string;
}
