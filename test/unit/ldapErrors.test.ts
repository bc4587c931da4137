import { BusyError, InsufficientAccessError, InvalidCredentialsError, UnavailableError } from 'ldapts';
import { describe, expect, it } from 'vitest';
import {
  bindFailureOf,
  isCertificateError,
  isDroppedConnection,
  isUnavailable,
  subCodeFromMessage,
} from '../../functions/adapters/ldap/bindErrors.js';

const adMessage = (data: string) =>
  `80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data ${data}, v4563`;

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('bind sub-codes', () => {
  it('extracts "data XXX" from an AD or Samba message', () => {
    expect(subCodeFromMessage(adMessage('775'))).toBe('775');
    expect(subCodeFromMessage(adMessage('52e'))).toBe('52e');
    expect(subCodeFromMessage(adMessage('52E'))).toBe('52e');
    expect(subCodeFromMessage(adMessage('0000052e'))).toBe('52e');
    expect(
      subCodeFromMessage('80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 773, v1db1'),
    ).toBe('773');
    expect(subCodeFromMessage('Invalid credentials during a bind operation. Code: 0x31')).toBeNull();
    expect(subCodeFromMessage('database 52e')).toBeNull();
  });

  it.each(['525', '52e', '530', '531', '532', '533', '701', '773', '775'] as const)(
    'maps an InvalidCredentials error with data %s',
    (subCode) => {
      expect(bindFailureOf(new InvalidCredentialsError(adMessage(subCode)))).toEqual({ kind: 'subCode', subCode });
    },
  );

  it('reads a plain 49 without data as a wrong password', () => {
    expect(bindFailureOf(new InvalidCredentialsError())).toEqual({ kind: 'subCode', subCode: '52e' });
  });

  it('reports a sub-code it does not know, so the caller can fail closed', () => {
    expect(bindFailureOf(new InvalidCredentialsError(adMessage('52f')))).toEqual({
      kind: 'unknownSubCode',
      subCode: '52f',
    });
    expect(bindFailureOf(new InvalidCredentialsError(adMessage('568')))).toEqual({
      kind: 'unknownSubCode',
      subCode: '568',
    });
  });

  it('is null for errors that are not InvalidCredentials', () => {
    expect(bindFailureOf(new InsufficientAccessError(adMessage('52e')))).toBeNull();
    expect(bindFailureOf(new Error(adMessage('52e')))).toBeNull();
    expect(bindFailureOf('data 52e')).toBeNull();
  });
});

describe('error classes', () => {
  it('reads timeouts, refused and reset connections, Busy and Unavailable as "the DC did not answer"', () => {
    expect(isUnavailable(new Error('Connection timeout'))).toBe(true);
    expect(isUnavailable(new Error('SearchRequest: Operation timed out'))).toBe(true);
    expect(isUnavailable(new Error('BindRequest: Operation timed out'))).toBe(true);
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE']) {
      expect(isUnavailable(withCode(`connect ${code} 127.0.0.1:1`, code)), code).toBe(true);
    }
    expect(isUnavailable(new BusyError())).toBe(true);
    expect(isUnavailable(new UnavailableError())).toBe(true);
    expect(isUnavailable(new InsufficientAccessError())).toBe(false);
    expect(isUnavailable(new InvalidCredentialsError())).toBe(false);
    expect(isUnavailable(new Error('something else'))).toBe(false);
  });

  it('never reads a certificate failure as unavailability', () => {
    for (const code of [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ]) {
      const error = withCode('certificate problem', code);
      expect(isCertificateError(error), code).toBe(true);
      expect(isUnavailable(error), code).toBe(false);
    }
    expect(isCertificateError(withCode('x', 'ECONNREFUSED'))).toBe(false);
  });

  it('tells a dropped connection (worth one retry) from an LDAP refusal', () => {
    expect(
      isDroppedConnection(
        new Error('Connection closed before message response was received. Message type: SearchRequest (0x63)'),
      ),
    ).toBe(true);
    expect(isDroppedConnection(new Error('Socket error. Message type: SearchRequest (0x63)\nread ECONNRESET'))).toBe(
      true,
    );
    expect(isDroppedConnection(new Error('Socket connection not established'))).toBe(true);
    expect(isDroppedConnection(withCode('read ECONNRESET', 'ECONNRESET'))).toBe(true);
    expect(isDroppedConnection(new Error('SearchRequest: Operation timed out'))).toBe(false);
    expect(isDroppedConnection(new InsufficientAccessError('Socket error.'))).toBe(false);
  });
});
