/**
 * Methods sessions (POST /api/methods/session): the password was proven, and until the session expires its token adds
 * and removes recovery methods. Kept under the hash of the token.
 */
import * as z from 'zod/mini';
import type { MethodsSession, Store } from '../../core/store.js';
import { finite, itemKeys, language, type Table } from './table.js';
import { createTokenRecord, readTokenRecord, replaceTokenRecord, type TokenRecordKind } from './tokens.js';

const sealedAuthenticatorItem = z.object({
  v: z.literal(1),
  keyVersion: finite,
  iv: z.string(),
  ct: z.string(),
  tag: z.string(),
});

const sessions: TokenRecordKind<MethodsSession> = {
  entity: 'methodsSession',
  what: 'methods session',
  key: itemKeys.methodsSession,
  exists: 'one with this token already exists',
  attributes: (session) => {
    const pending = session.pendingAuthenticator;
    return {
      objectGuid: session.objectGuid,
      subject: session.subject,
      language: session.language,
      // Sealed only (core/methods/authenticator.ts): the seed itself never reaches the table.
      pendingAuthenticator: pending && {
        v: pending.v,
        keyVersion: pending.keyVersion,
        iv: pending.iv,
        ct: pending.ct,
        tag: pending.tag,
      },
      ...(session.passkeyChallenge === undefined ? {} : { passkeyChallenge: session.passkeyChallenge }),
      wrongTries: session.wrongTries,
    };
  },
  schema: z.object({
    tokenHash: z.string(),
    objectGuid: z.string(),
    subject: z.string(),
    language,
    pendingAuthenticator: z.nullable(sealedAuthenticatorItem),
    passkeyChallenge: z.optional(z.nullable(z.string())),
    wrongTries: finite,
    expiresAtMs: finite,
    version: finite,
  }),
};

type MethodsSessionRecords = Pick<Store, 'createMethodsSession' | 'getMethodsSession' | 'updateMethodsSession'>;

export function methodsSessionRecords(table: Table): MethodsSessionRecords {
  return {
    createMethodsSession: (session) => createTokenRecord(table, sessions, session, 'createMethodsSession'),
    getMethodsSession: (tokenHash, now) => readTokenRecord(table, sessions, tokenHash, now, 'getMethodsSession'),
    updateMethodsSession: (session) => replaceTokenRecord(table, sessions, session, 'updateMethodsSession'),
  };
}
