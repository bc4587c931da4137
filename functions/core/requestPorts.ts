/**
 * What every request function takes from the outside (DESIGN §1): enroll, change, the reset and unlock flow. One bag
 * for all of them; a function that needs less takes `Pick<RequestPorts, ...>`. The notifier's private key is not
 * among them: request functions only ever hold its public key (in the outbox).
 */
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Directory } from './directory.js';
import type { Logger } from './log.js';
import type { AnswerHasher, Outbox, RequestSecrets } from './ports.js';
import type { Store } from './store.js';

export interface RequestPorts {
  directory: Directory;
  store: Store;
  hasher: AnswerHasher;
  outbox: Outbox;
  secrets: RequestSecrets;
  clock: Clock;
  config: Config;
  logger: Logger;
  /** An opaque random id for a code channel of a flow. */
  newChannelId(): string;
  /** An opaque random id for a new contact of an enrollment. */
  newContactId(): string;
}
