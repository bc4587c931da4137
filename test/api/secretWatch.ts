/**
 * What a suite handed the stack that must never come back out in clear (issue 16: TOTP seeds, recovery codes, WebAuthn
 * challenges, codes typed), and the scan for them: every captured log line, every error body, the outbox and the raw
 * table (tableScan.ts, as an operator's tool reads it). The watch sits on the stack's `post`, so whatever a suite or
 * its ResetClient sends is seen: the answers typed, the passkey challenges shown, the error bodies returned.
 */
import { expect } from 'vitest';
import { authenticatorSecretBase32 } from '../../functions/core/methods/authenticator.js';
import { normalizeRecoveryCode } from '../../functions/core/methods/recoveryCodes.js';
import type { ApiResponse, TestStack } from './harness.js';
import { secretsIn } from './resetClient.js';
import { holdersOfChallenge, scanTable } from './tableScan.js';

export class SecretWatch {
  /** Seeds (in every form an app or a store might spell them), recovery codes, passkey challenges, typed text. */
  readonly strings = new Set<string>();
  /** Six-digit codes typed (app and e-mail codes): matched only as whole numbers. */
  readonly codes = new Set<string>();
  readonly errorBodies: string[] = [];
  /** WebAuthn challenges shown (also among `strings`). */
  readonly challenges = new Set<string>();

  /** Watches every POST of the stack from now on. */
  constructor(private readonly stack: TestStack) {
    const post = stack.post;
    stack.post = async (path, body, headers, localAddress) => {
      this.sent(path, body);
      const response = await post(path, body, headers, localAddress);
      this.answered(response);
      return response;
    };
  }

  /** An authenticator seed: raw bytes as base32 (what the app is shown), hex, base64 and base64url. */
  seed(secret: Buffer) {
    for (const form of [
      authenticatorSecretBase32(secret),
      secret.toString('hex'),
      secret.toString('base64'),
      secret.toString('base64url'),
    ]) {
      this.strings.add(form);
    }
  }

  /** Recovery codes as shown (grouped) and as compared (normalized). */
  recoveryCodes(codes: readonly string[]) {
    for (const code of codes) {
      this.strings.add(code);
      this.strings.add(normalizeRecoveryCode(code));
    }
  }

  private sent(path: string, body: unknown) {
    if (path !== '/api/reset/answer' || typeof body !== 'object' || body === null) return;
    const typed = String((body as { answer?: unknown }).answer ?? '');
    if (/^\d{6}$/.test(typed)) this.codes.add(typed);
    // Shorter text could turn up in a log line by chance; every code and answer the suites type is longer.
    else if (typed.length >= 8) {
      this.strings.add(typed);
      this.strings.add(normalizeRecoveryCode(typed));
    }
  }

  private answered(response: ApiResponse) {
    if (response.status >= 400) this.errorBodies.push(response.text);
    // A passkey step's challenge (reset), or a registration's (methods).
    const challenge = response.body?.challenge?.options?.challenge ?? response.body?.options?.challenge;
    if (typeof challenge !== 'string') return;
    this.challenges.add(challenge);
    this.strings.add(challenge);
  }

  /**
   * The raw table while a passkey ceremony is live (its options shown, the answer or finish not yet sent), when the
   * challenge must be kept somewhere: it is not in the table in clear, and its SHA-256 is, on exactly one record of
   * `entity` (the flow of a passkey step, the methods session of a registration), so the scan cannot pass for lack of
   * the record. The scan at the end of a suite comes after every ceremony is used up, when nothing holds a challenge.
   */
  async expectLiveChallengeHashed(challenge: string, entity: 'flow' | 'methodsSession') {
    expect(this.challenges.has(challenge), 'a challenge the stack showed').toBe(true);
    const items = await scanTable(this.stack.dataDir);
    expect(
      secretsIn(JSON.stringify(items), { strings: [challenge] }),
      `table while a ${entity} challenge is live`,
    ).toEqual([]);
    expect(holdersOfChallenge(items, entity, challenge)).toHaveLength(1);
  }

  /**
   * Nothing watched in a log line, an error body, the outbox (where only the e-mail codes sent are meant to be) or the
   * table. `expected` says what the suite must have handed over, so a scan never passes for lack of anything to find.
   */
  async expectNoneLeaked(expected: { seeds: number; recoveryCodes: number; challenges: number }) {
    const { stack } = this;
    expect(this.strings.size).toBeGreaterThanOrEqual(expected.seeds * 4 + expected.recoveryCodes);
    expect(this.challenges.size).toBeGreaterThanOrEqual(expected.challenges);
    expect(this.codes.size).toBeGreaterThan(0);
    expect(this.errorBodies.length).toBeGreaterThan(0);
    expect(stack.logs.length).toBeGreaterThan(0);
    const secrets = { strings: [...this.strings], codes: [...this.codes] };

    expect(secretsIn(stack.logs.join('\n'), secrets), 'log lines').toEqual([]);
    expect(secretsIn(this.errorBodies.join('\n'), secrets), 'error bodies').toEqual([]);

    const outbox = await stack.outboxLines();
    const sentCodes = new Set(outbox.map((line) => line.code).filter((code) => typeof code === 'string'));
    const typedNotSent = [...this.codes].filter((code) => !sentCodes.has(code));
    expect(typedNotSent.length).toBeGreaterThan(0);
    expect(secretsIn(JSON.stringify(outbox), { strings: secrets.strings, codes: typedNotSent }), 'outbox').toEqual([]);

    const items = await scanTable(stack.dataDir);
    expect(items.length).toBeGreaterThan(0);
    expect(secretsIn(JSON.stringify(items), secrets), 'table').toEqual([]);
  }
}
