/**
 * What AD's answer to a password write means for the user (DESIGN §4 AD's refusals). Windows does not say which rule
 * failed, so the pre-check names what it can first; what AD still refuses is explained here.
 */
import type { DirectoryAccount, PasswordWriteOutcome } from './directory.js';
import { filetimeToMs } from './eligibility.js';
import { SsprError } from './errors.js';
import type { Logger } from './log.js';
import type { Audit } from './request.js';

export type WriteKind = 'reset' | 'change';

/**
 * Throws the error for a refused write. 19/0000052D: on a reset HISTORY if the DC enforced history (hints control),
 * else a password filter (DIRECTORY_REFUSED); on a change TOO_RECENT while the minimum age runs, else HISTORY.
 * 00000056 on a change is the old password (BAD_CREDENTIALS). A missing right is INTERNAL to the user, with an audit
 * event and an error log that name the right.
 */
export async function refusalOf(
  outcome: Exclude<PasswordWriteOutcome, { ok: true }>,
  context: {
    kind: WriteKind;
    account: DirectoryAccount;
    historyEnforced: boolean;
    minAgeSeconds: number;
    now: number;
    subject: string;
    requestId: string;
    audit: Audit;
    logger: Logger;
  },
): Promise<never> {
  switch (outcome.refusal) {
    case 'policy': {
      if (context.kind === 'reset') {
        throw new SsprError('PASSWORD_POLICY', {
          violations: [context.historyEnforced ? 'HISTORY' : 'DIRECTORY_REFUSED'],
        });
      }
      const changedAt = context.account.pwdLastSet > 0n ? filetimeToMs(context.account.pwdLastSet) : 0;
      const tooRecent = changedAt + context.minAgeSeconds * 1000 > context.now;
      throw new SsprError('PASSWORD_POLICY', { violations: [tooRecent ? 'TOO_RECENT' : 'HISTORY'] });
    }
    case 'wrong-password':
      throw new SsprError(context.kind === 'change' ? 'BAD_CREDENTIALS' : 'PASSWORD_POLICY', {
        ...(context.kind === 'reset' ? { violations: ['DIRECTORY_REFUSED' as const] } : {}),
      });
    case 'constraint':
      throw new SsprError('PASSWORD_POLICY', { violations: ['DIRECTORY_REFUSED'] });
    case 'access':
      await context.audit(context.subject, context.kind, 'INTERNAL', `missing right: ${outcome.right}`);
      context.logger.error('the service account lacks a right for a password write', {
        requestId: context.requestId,
        event: context.kind,
        reason: outcome.right,
        subject: context.subject,
      });
      throw new SsprError('INTERNAL');
  }
}
