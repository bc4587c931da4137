/** Where a reset code may go for a user (DESIGN §4 Reset and unlock): the flow's code channels. */
import type { Config } from '../config.js';
import { isValidEmail } from '../contacts.js';
import type { DirectoryAccount } from '../directory.js';
import { smsNumbers } from '../notices.js';
import type { Enrollment, FlowChannel } from '../store.js';

/**
 * Where a code may go: verified enrolled e-mail addresses and phones, and the directory's mail and mobile when the
 * operator allows it; numbers only in E.164 and in an allowed country (codes.smsCountryCodes). The same address
 * twice is one channel.
 */
export function codeChannels(
  account: DirectoryAccount,
  enrollment: Enrollment | null,
  config: Config,
  newId: () => string,
): FlowChannel[] {
  const addresses = new Map<string, string>();
  if (config.codes.useDirectoryContacts && account.mail && isValidEmail(account.mail))
    addresses.set(account.mail.toLowerCase(), account.mail);
  for (const contact of enrollment?.contacts ?? []) {
    if (contact.channel === 'email' && contact.verified) addresses.set(contact.address.toLowerCase(), contact.address);
  }
  const numbers = smsNumbers(account, enrollment, config);
  const phones = new Set([...(numbers.directory ? [numbers.directory] : []), ...numbers.enrolled]);
  return [
    ...[...addresses.values()].map((address): FlowChannel => ({ id: newId(), channel: 'email', address })),
    ...[...phones].map((address): FlowChannel => ({ id: newId(), channel: 'sms', address })),
  ];
}
