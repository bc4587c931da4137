/**
 * POST /api/change (DESIGN §3, §4 Passwords): a user who knows the password changes it. The old password is proven as
 * for enroll (limits, the badPwdCount guard, a bind of its own); must-change and expired accounts may change; the new
 * one is pre-checked against the user's own policy, then AD checks old password, history and minimum age itself in
 * one delete/add modify over the service connection.
 */
import { type FieldProblem, SsprError, validationError } from './errors.js';
import { notify } from './notices.js';
import { checkNewPassword, newPasswordProblem } from './passwordCheck.js';
import { provePassword } from './passwordProof.js';
import { refusalOf } from './passwordWrite.js';
import { auditor, type RequestSource } from './request.js';
import type { RequestPorts } from './requestPorts.js';
import { reduceUsername, usernameProblem } from './username.js';

export interface ChangeInput {
  username: string;
  oldPassword: string;
  newPassword: string;
}

export async function changePassword(
  input: ChangeInput,
  source: RequestSource,
  ports: RequestPorts,
): Promise<{ passwordChanged: true }> {
  const { config, clock } = ports;
  const fields: Record<string, FieldProblem> = {};
  const typed = reduceUsername(input.username, config.domain);
  if (!typed.ok) fields.username = usernameProblem(config.domain);
  if (input.oldPassword.length === 0) fields.oldPassword = { message: 'password.required' };
  const newProblem = newPasswordProblem(input.newPassword);
  if (newProblem) fields.newPassword = newProblem;
  if (!typed.ok || Object.keys(fields).length > 0) throw validationError(fields);

  // Named by provePassword before it can refuse anything (only a failed secret read comes earlier: not audited).
  let subject: string | null = null;
  const audit = auditor(ports, source);
  try {
    const proven = await provePassword(
      {
        action: 'change',
        purpose: 'change',
        typed,
        password: input.oldPassword,
        // The enrollment names the channels of the notice; it is read during the bind, not after the write.
        beside: (account) => ports.store.getEnrollment(account.objectGuid),
      },
      source,
      ports,
      (resolved) => {
        subject = resolved;
      },
    );
    const { account, session, policy, slotsGivenBack } = proven;
    const accountSubject = subject ?? account.sAMAccountName.toLowerCase();
    try {
      const violations = checkNewPassword(input.newPassword, policy, account);
      if (violations.length > 0) throw new SsprError('PASSWORD_POLICY', { violations });
      // A failed read stops the change before anything is written. The slots go back while the DC writes (awaited
      // below, on every path).
      const enrollment = (await proven.beside) ?? null;
      const outcome = await session.changePassword(account, input.oldPassword, input.newPassword);
      if (!outcome.ok) {
        await refusalOf(outcome, {
          kind: 'change',
          account,
          historyEnforced: true,
          minAgeSeconds: policy.minAgeSeconds,
          now: clock.now(),
          subject: accountSubject,
          requestId: source.requestId,
          audit,
          logger: ports.logger,
        });
      }
      // The outcome is recorded and told side by side: neither depends on the other.
      await Promise.all([
        audit(accountSubject, 'change', 'success'),
        notify(ports, account, enrollment, source, 'password-changed'),
      ]);
      return { passwordChanged: true };
    } finally {
      // Awaited on every path (the slots never reject; a refused new password leaves the read unawaited above), so
      // nothing of the request runs on after it.
      await Promise.all([session.close(), slotsGivenBack, proven.beside.catch(() => undefined)]);
    }
  } catch (error) {
    if (error instanceof SsprError && error.code !== 'INTERNAL' && subject !== null) {
      await audit(subject, 'change', error.code, error.details.reason ?? error.details.violations?.join(','));
    }
    throw error;
  }
}
