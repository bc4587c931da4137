/** AD's refusals of a password write, as the user and ops see them (DESIGN §4 AD's refusals). */
import { describe, expect, it } from 'vitest';
import type { DirectoryAccount } from '../../functions/core/directory.js';
import { SsprError } from '../../functions/core/errors.js';
import type { LogFields } from '../../functions/core/log.js';
import { refusalOf } from '../../functions/core/passwordWrite.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const toFiletime = (ms: number) => BigInt(ms) * 10_000n + 116_444_736_000_000_000n;

function context(overrides: Partial<Parameters<typeof refusalOf>[1]> = {}) {
  const audits: string[][] = [];
  const logs: LogFields[] = [];
  return {
    audits,
    logs,
    value: {
      kind: 'change' as const,
      account: { pwdLastSet: toFiletime(NOW - 3_600_000) } as DirectoryAccount,
      historyEnforced: true,
      minAgeSeconds: 0,
      now: NOW,
      subject: 'alice',
      requestId: 'req-1',
      audit: async (subject: string, event: string, outcome: string, reason?: string) => {
        audits.push([subject, event, outcome, ...(reason === undefined ? [] : [reason])]);
      },
      logger: {
        info: () => undefined,
        warn: () => undefined,
        error: (_message: string, fields?: LogFields) => {
          logs.push(fields ?? {});
        },
      },
      ...overrides,
    },
  };
}

async function errorOf(promise: Promise<unknown>): Promise<SsprError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SsprError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('refusalOf', () => {
  it('0000052D on a reset with the hints control: HISTORY; without it: DIRECTORY_REFUSED (a DC password filter)', async () => {
    const withHints = await errorOf(refusalOf({ ok: false, refusal: 'policy' }, context({ kind: 'reset' }).value));
    expect(withHints.code).toBe('PASSWORD_POLICY');
    expect(withHints.details.violations).toEqual(['HISTORY']);
    const without = await errorOf(
      refusalOf({ ok: false, refusal: 'policy' }, context({ kind: 'reset', historyEnforced: false }).value),
    );
    expect(without.details.violations).toEqual(['DIRECTORY_REFUSED']);
  });

  it('0000052D on a change: TOO_RECENT while the minimum age runs, HISTORY after it', async () => {
    const recent = await errorOf(refusalOf({ ok: false, refusal: 'policy' }, context({ minAgeSeconds: 86_400 }).value));
    expect(recent.details.violations).toEqual(['TOO_RECENT']);
    const later = await errorOf(refusalOf({ ok: false, refusal: 'policy' }, context({ minAgeSeconds: 1800 }).value));
    expect(later.details.violations).toEqual(['HISTORY']);
    // must change at next logon (pwdLastSet 0): no minimum age to wait for
    const mustChange = await errorOf(
      refusalOf(
        { ok: false, refusal: 'policy' },
        context({ minAgeSeconds: 86_400, account: { pwdLastSet: 0n } as DirectoryAccount }).value,
      ),
    );
    expect(mustChange.details.violations).toEqual(['HISTORY']);
  });

  it('00000056 on a change is the old password: BAD_CREDENTIALS', async () => {
    expect((await errorOf(refusalOf({ ok: false, refusal: 'wrong-password' }, context().value))).code).toBe(
      'BAD_CREDENTIALS',
    );
  });

  it('another constraint: DIRECTORY_REFUSED', async () => {
    const error = await errorOf(refusalOf({ ok: false, refusal: 'constraint' }, context().value));
    expect(error.details.violations).toEqual(['DIRECTORY_REFUSED']);
  });

  it('a missing right: INTERNAL to the user, an audit event and an error log naming the right', async () => {
    const ctx = context({ kind: 'reset' });
    const error = await errorOf(refusalOf({ ok: false, refusal: 'access', right: 'Reset Password' }, ctx.value));
    expect(error.code).toBe('INTERNAL');
    expect(error.details).toEqual({});
    expect(ctx.audits).toEqual([['alice', 'reset', 'INTERNAL', 'missing right: Reset Password']]);
    expect(ctx.logs).toEqual([expect.objectContaining({ reason: 'Reset Password', requestId: 'req-1' })]);
  });
});
