/** The pending contacts of an enrollment waiting for their codes, kept under the hash of the enrollment token. */
import * as z from 'zod/mini';
import type { ContactVerification, Store } from '../../core/store.js';
import { finite, itemKeys, language, type Table } from './table.js';
import { createTokenRecord, readTokenRecord, replaceTokenRecord, type TokenRecordKind } from './tokens.js';

const verifications: TokenRecordKind<ContactVerification> = {
  entity: 'contactVerification',
  what: 'contact verification',
  key: itemKeys.contactVerification,
  exists: 'one with this token already exists',
  attributes: (verification) => ({
    objectGuid: verification.objectGuid,
    subject: verification.subject,
    language: verification.language,
    codes: verification.codes.map(({ contactId, hmac, expiresAt }) => ({ contactId, hmac, expiresAt })),
    wrongTries: verification.wrongTries,
  }),
  schema: z.object({
    tokenHash: z.string(),
    objectGuid: z.string(),
    subject: z.string(),
    language,
    codes: z.array(z.object({ contactId: z.string(), hmac: z.string(), expiresAt: finite })),
    wrongTries: finite,
    expiresAtMs: finite,
    version: finite,
  }),
};

type ContactVerificationRecords = Pick<
  Store,
  'createContactVerification' | 'getContactVerification' | 'updateContactVerification'
>;

export function contactVerificationRecords(table: Table): ContactVerificationRecords {
  return {
    createContactVerification: (verification) =>
      createTokenRecord(table, verifications, verification, 'createContactVerification'),
    getContactVerification: (tokenHash, now) =>
      readTokenRecord(table, verifications, tokenHash, now, 'getContactVerification'),
    updateContactVerification: (verification) =>
      replaceTokenRecord(table, verifications, verification, 'updateContactVerification'),
  };
}
