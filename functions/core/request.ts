/** Who asked: recorded in audit events and used for per-address limits, never trusted for anything else. */
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Language } from './language.js';
import type { Store } from './store.js';

export interface RequestSource {
  address: string;
  userAgent: string;
  requestId: string;
  language: Language;
}

export type Audit = (subject: string, event: string, outcome: string, reason?: string) => Promise<void>;

/** One audit event per outcome, per user, with the request's source; kept for audit.retentionDays. */
export function auditor(ports: { store: Store; clock: Clock; config: Config }, source: RequestSource): Audit {
  return (subject, event, outcome, reason) =>
    ports.store.recordAudit(
      {
        subject,
        at: ports.clock.now(),
        event,
        outcome,
        ...(reason ? { reason } : {}),
        sourceAddress: source.address,
        userAgent: source.userAgent,
        requestId: source.requestId,
      },
      ports.config.audit.retentionDays,
    );
}
