/**
 * Whether an account can still recover (complete one alternative of the recovery policy in a reset or an unlock), and
 * whether removing a method takes its last way back (issue 16; docs/recovery.md "Removing the last way back").
 *
 * The answer is the flow's own (core/flow/steps.ts flowAlternatives over the channels a start would offer,
 * core/flow/channels.ts), so the methods page never says "you can recover" where a reset would find no alternative.
 * It speaks of the methods held only: a block, an account the directory disabled or a blocked SMS cap are the flow's
 * business at the time of the reset.
 */
import type { Config } from '../config.js';
import type { DirectoryAccount } from '../directory.js';
import { codeChannels } from '../flow/channels.js';
import { flowAlternatives } from '../flow/steps.js';
import type { Enrollment } from '../store.js';

/** What POST /api/methods/remove takes away: one method, or one passkey by its id. */
export type Removal = { method: 'authenticator' } | { method: 'recoveryCodes' } | { method: 'passkey'; id: string };

/**
 * The value of `confirm` by which a removal request says it knows it leaves the account no way to recover. Without
 * it such a removal is refused (VALIDATION naming `confirm`), and the page shows the warning with a confirm button.
 */
export const LEAVE_NO_RECOVERY = 'leave-no-recovery';

/** Whether the account, holding `enrollment` (null: never enrolled), can complete some alternative of the policy. */
export function canRecover(account: DirectoryAccount, enrollment: Enrollment | null, config: Config): boolean {
  // The ids only name channels within one flow; nothing here shows them.
  const channels =
    enrollment || config.recovery.automaticEnrollment ? codeChannels(account, enrollment, config, () => '') : [];
  return flowAlternatives(enrollment, channels, config).length > 0;
}

/** The enrollment as it would be once `removal` is done (pure: the store does the real write). */
export function withoutMethod(enrollment: Enrollment, removal: Removal): Enrollment {
  switch (removal.method) {
    case 'authenticator':
      return { ...enrollment, authenticator: null };
    case 'recoveryCodes':
      return { ...enrollment, recoveryCodes: null };
    case 'passkey':
      return { ...enrollment, passkeys: (enrollment.passkeys ?? []).filter((p) => p.id !== removal.id) };
  }
}

/**
 * Whether the removal may go ahead as asked: always when the account can still recover afterwards; otherwise only when
 * the request confirmed it (`confirm: "leave-no-recovery"`). An account that already could not recover needs the
 * confirmation too: the request is what leaves it without a way back, and the user is told so before it goes.
 */
export function removalAllowed(
  account: DirectoryAccount,
  enrollment: Enrollment,
  removal: Removal,
  config: Config,
  confirm: string | undefined,
): boolean {
  return confirm === LEAVE_NO_RECOVERY || canRecover(account, withoutMethod(enrollment, removal), config);
}
