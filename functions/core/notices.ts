/**
 * Notices: telling the user by e-mail and, for a reset or an unlock, by SMS (DESIGN §4 Notifications). Enroll, change,
 * the reset and unlock flow and the helpdesk all tell the user through here.
 */
import type { Config } from './config.js';
import { directoryPhone, isSmsAllowed, isValidEmail } from './contacts.js';
import type { DirectoryAccount } from './directory.js';
import { SsprError } from './errors.js';
import { admitAll, smsEnabled, smsLimits, watchSmsVolume } from './limits.js';
import { isRepudiableTemplate } from './notifications.js';
import { issueRepudiation } from './repudiation.js';
import { auditor, type RequestSource } from './request.js';
import type { RequestPorts } from './requestPorts.js';
import type { Enrollment } from './store.js';

/**
 * The notices that also go by SMS (DESIGN §4 Notifications): the ones a user must hear of even without e-mail. A
 * recovery method added or removed is told on every channel (issue 16): it changes who can reset the password.
 */
export const SMS_NOTICES: readonly string[] = ['password-reset', 'account-unlocked', 'method-added', 'method-removed'];

/**
 * The numbers that may be texted for this user: the verified enrolled phones, and the directory mobile when the
 * operator trusts directory contacts (codes.useDirectoryContacts); each in E.164 and in an allowed country. Empty
 * while SMS is off (a cap of 0).
 */
export function smsNumbers(
  account: DirectoryAccount,
  enrollment: Enrollment | null,
  config: Config,
): { enrolled: string[]; directory: string | null } {
  if (!smsEnabled(config)) return { enrolled: [], directory: null };
  const allowed = (number: string | null): number is string =>
    number !== null && isSmsAllowed(number, config.codes.smsCountryCodes);
  const enrolled = (enrollment?.contacts ?? [])
    .filter((c) => c.channel === 'sms' && c.verified)
    .map((c) => c.address)
    .filter(allowed);
  const mobile = config.codes.useDirectoryContacts ? directoryPhone(account.mobile) : null;
  return { enrolled: [...new Set(enrolled)], directory: allowed(mobile) ? mobile : null };
}

/**
 * Tells the user by e-mail: the directory mail and the verified enrolled e-mail addresses, in the enrollment's
 * language (never the request's: an attacker must not choose the victim's language). A reset, an unlock and a
 * recovery method added or removed are also texted, to the verified enrolled phone or else the directory mobile,
 * within the SMS caps: a notice over a cap is skipped and audited, never failing what it reports. The e-mails of an event
 * a user may repudiate (notifications.ts REPUDIABLE_TEMPLATES) all carry its one "This wasn't me" token
 * (core/repudiation.ts); texts carry no link.
 */
export async function notify(
  ports: RequestPorts,
  account: DirectoryAccount,
  enrollment: Enrollment | null,
  source: RequestSource,
  template: string,
  extra: Record<string, string> = {},
): Promise<void> {
  const recipients = new Map<string, string>();
  const verified = (enrollment?.contacts ?? [])
    .filter((c) => c.channel === 'email' && c.verified)
    .map((c) => c.address);
  for (const address of [account.mail, ...verified]) {
    if (address && isValidEmail(address)) recipients.set(address.toLowerCase(), address);
  }
  const now = ports.clock.now();
  const params = {
    displayName: account.displayName ?? account.sAMAccountName,
    at: new Date(now).toISOString(),
    ...(template === 'self-service-blocked' ? {} : { sourceAddress: source.address }),
    ...extra,
  };
  const language = enrollment?.language ?? source.language;
  const notMeToken =
    recipients.size > 0 && isRepudiableTemplate(template)
      ? await issueRepudiation(ports, account, template)
      : undefined;
  const emailParams = notMeToken === undefined ? params : { ...params, notMeToken };
  await Promise.all(
    [...recipients.values()].map((to) =>
      ports.outbox.enqueue({ channel: 'email', to, template, params: emailParams, language }),
    ),
  );

  if (!SMS_NOTICES.includes(template)) return;
  const numbers = smsNumbers(account, enrollment, ports.config);
  const texted = numbers.enrolled.length > 0 ? numbers.enrolled : numbers.directory ? [numbers.directory] : [];
  // The flow's subject: the resolved sAMAccountName, lower-cased, as start keys it.
  const subject = account.sAMAccountName.toLowerCase();
  for (const to of texted) {
    try {
      await admitAll(ports.store, smsLimits(subject, source.address, ports.config), now);
    } catch (error) {
      if (!(error instanceof SsprError) || error.code !== 'RATE_LIMITED') throw error;
      await auditor(ports, source)(subject, 'sms-notice', 'RATE_LIMITED', template);
      continue;
    }
    await ports.outbox.enqueue({ channel: 'sms', to, template, params, language });
    await watchSmsVolume(ports.store, ports.logger, ports.config, now);
  }
}
