import { codeMatches, isCodeFormat } from './codes.js';
import { contactCodeScope, type MaskedChannel } from './enroll.js';
import { SsprError, validationError } from './errors.js';
import { addressLimit, admitAll, userLimit } from './limits.js';
import { maskDestination } from './masking.js';
import { auditor, type RequestSource } from './request.js';
import type { RequestPorts } from './requestPorts.js';
import type { ContactVerification } from './store.js';
import { tokenHashOf } from './tokens.js';

export interface VerifyContactInput {
  enrollmentToken: string;
  channelId: string;
  code: string;
}

export async function verifyContact(
  input: VerifyContactInput,
  source: RequestSource,
  ports: Pick<RequestPorts, 'store' | 'secrets' | 'clock' | 'config'>,
): Promise<{ verified: true; channel: MaskedChannel }> {
  const { store, clock, config } = ports;
  const tokenHash = tokenHashOf(input.enrollmentToken, 'enrollmentToken');
  if (!isCodeFormat(input.code, config.codes.length)) {
    throw validationError({ code: { message: 'code.format', params: { length: config.codes.length } } });
  }
  const now = clock.now();
  await admitAll(store, [addressLimit('contact-verify', source.address, config)], now);
  const verification = await store.getContactVerification(tokenHash, now);
  if (!verification || verification.wrongTries >= config.codes.maxTries) throw new SsprError('FLOW_EXPIRED');
  await admitAll(store, [userLimit('contact-verify', verification.subject, config)], now);

  const entry = verification.codes.find((c) => c.contactId === input.channelId);
  if (!entry) throw validationError({ channelId: { message: 'channel.unknown' } });

  const audit = auditor(ports, source);
  const pepper = await ports.secrets.pepper();
  const right =
    now < entry.expiresAt && codeMatches(pepper, contactCodeScope(tokenHash, entry.contactId), input.code, entry.hmac);
  const next: ContactVerification = right
    ? { ...verification, codes: verification.codes.filter((c) => c !== entry), version: verification.version + 1 }
    : { ...verification, wrongTries: verification.wrongTries + 1, version: verification.version + 1 };
  if (!(await store.updateContactVerification(next))) throw new SsprError('WRONG_STEP');

  if (!right) {
    await audit(verification.subject, 'contact-verify', 'wrong');
    throw new SsprError('VERIFICATION_FAILED');
  }
  // A newer enrollment replaced this contact: the token speaks for an enrollment that no longer exists.
  if (!(await store.markContactVerified(verification.objectGuid, entry.contactId))) {
    throw new SsprError('FLOW_EXPIRED');
  }
  const enrollment = await store.getEnrollment(verification.objectGuid);
  const contact = enrollment?.contacts.find((c) => c.id === entry.contactId);
  if (!contact) throw new SsprError('FLOW_EXPIRED');
  await audit(verification.subject, 'contact-verify', 'verified', contact.channel);
  return {
    verified: true,
    channel: {
      id: contact.id,
      channel: contact.channel,
      destination: maskDestination(contact.channel, contact.address),
    },
  };
}
