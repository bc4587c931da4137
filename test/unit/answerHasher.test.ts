import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createDummyAnswerHash,
  DEFAULT_SCRYPT_PARAMS,
  DUMMY_ANSWER_HASH,
  ScryptAnswerHasher,
} from '../../functions/adapters/answerHasher.js';
import { NORMALIZATION_VERSION } from '../../functions/core/answers.js';
import type { Secrets } from '../../functions/core/ports.js';
import type { AnswerHash } from '../../functions/core/store.js';

function secrets(pepper = randomBytes(32)): Secrets {
  return { pepper: async () => pepper, decoyKey: async () => randomBytes(32) };
}

// Cheap parameters so most tests run in milliseconds; one test below runs the default cost.
const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('ScryptAnswerHasher', () => {
  const pepper = randomBytes(32);
  const hasher = new ScryptAnswerHasher(secrets(pepper), FAST);

  it('verifies the right answer and refuses a wrong one', async () => {
    const stored = await hasher.hash('my first pet');
    expect(await hasher.verify('my first pet', stored)).toBe(true);
    expect(await hasher.verify('my first pet ', stored)).toBe(false);
    expect(await hasher.verify('my first cat', stored)).toBe(false);
    expect(await hasher.verify('', stored)).toBe(false);
  });

  it('records its parameters and the normalization version', async () => {
    const stored = await hasher.hash('an answer');
    expect(stored).toMatchObject({ algorithm: 'scrypt', N: 1024, r: 8, p: 1, keyLength: 32, normalization: 1 });
    expect(NORMALIZATION_VERSION).toBe(1);
    expect(Buffer.from(stored.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(stored.hash, 'base64')).toHaveLength(32);
  });

  it('salts every hash: the same answer hashes differently twice', async () => {
    const one = await hasher.hash('same answer');
    const two = await hasher.hash('same answer');
    expect(one.salt).not.toBe(two.salt);
    expect(one.hash).not.toBe(two.hash);
    expect(await hasher.verify('same answer', one)).toBe(true);
    expect(await hasher.verify('same answer', two)).toBe(true);
  });

  it('fails under a different pepper', async () => {
    const stored = await hasher.hash('peppered');
    const otherPepper = new ScryptAnswerHasher(secrets(randomBytes(32)), FAST);
    expect(await otherPepper.verify('peppered', stored)).toBe(false);
    const samePepper = new ScryptAnswerHasher(secrets(pepper), FAST);
    expect(await samePepper.verify('peppered', stored)).toBe(true);
  });

  it('verifies with the stored parameters, not its own', async () => {
    const stored = await new ScryptAnswerHasher(secrets(pepper), { N: 2 ** 11, r: 4, p: 2, keyLength: 48 }).hash('x y');
    expect(await hasher.verify('x y', stored)).toBe(true);
    expect(hasher.needsRehash(stored)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('x y'))).toBe(false);
  });

  it('returns false for tampered or malformed records and never throws for them', async () => {
    const stored = await hasher.hash('tamper me');
    const flipped = Buffer.from(stored.hash, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const bad: unknown[] = [
      { ...stored, hash: flipped.toString('base64') },
      { ...stored, salt: randomBytes(16).toString('base64') },
      { ...stored, N: 2048 },
      { ...stored, r: 4 },
      { ...stored, hash: stored.hash.slice(0, 24) },
      { ...stored, hash: randomBytes(31).toString('base64') },
      { ...stored, keyLength: 31 },
      { ...stored, algorithm: 'argon2id' },
      { ...stored, N: 1000 },
      { ...stored, N: 0 },
      { ...stored, N: 2 ** 30 },
      { ...stored, r: 0 },
      { ...stored, p: -1 },
      { ...stored, keyLength: 4096 },
      { ...stored, salt: 'not base64!' },
      { ...stored, salt: '' },
      { ...stored, salt: randomBytes(8).toString('base64') },
      { ...stored, hash: undefined },
      { ...stored, N: '1024' },
      { ...stored, normalization: 0 },
      { ...stored, normalization: undefined },
      {},
      null,
      'a string',
    ];
    for (const record of bad) {
      expect(await hasher.verify('tamper me', record as AnswerHash), JSON.stringify(record)).toBe(false);
    }
  });

  it('lets a failing pepper fetch propagate (an outage is not a wrong answer)', async () => {
    const stored = await hasher.hash('answer');
    const broken = new ScryptAnswerHasher(
      { pepper: () => Promise.reject(new Error('secrets down')), decoyKey: async () => randomBytes(32) },
      FAST,
    );
    await expect(broken.verify('answer', stored)).rejects.toThrow('secrets down');
    await expect(broken.hash('answer')).rejects.toThrow('secrets down');
  });

  it('refuses invalid parameters at construction', () => {
    expect(() => new ScryptAnswerHasher(secrets(), { N: 1000 })).toThrow(/invalid scrypt parameters/);
    expect(() => new ScryptAnswerHasher(secrets(), { keyLength: 8 })).toThrow(/invalid scrypt parameters/);
  });

  it('offers a dummy record no answer matches, at the default cost', async () => {
    expect(DUMMY_ANSWER_HASH).toMatchObject({ algorithm: 'scrypt', ...DEFAULT_SCRYPT_PARAMS, normalization: 1 });
    expect(Object.isFrozen(DUMMY_ANSWER_HASH)).toBe(true);
    const dummy = createDummyAnswerHash({ ...FAST, keyLength: 32 });
    expect(await hasher.verify('', dummy)).toBe(false);
    expect(await hasher.verify('anything', dummy)).toBe(false);
  });

  it('hashes and verifies at the default cost (N=2^17, r=8, p=1)', async () => {
    const slow = new ScryptAnswerHasher(secrets(pepper));
    const stored = await slow.hash('default cost');
    expect(stored).toMatchObject({ N: 131072, r: 8, p: 1, keyLength: 32 });
    const started = performance.now();
    expect(await slow.verify('default cost', stored)).toBe(true);
    const ms = performance.now() - started;
    expect(await slow.verify('default cost', DUMMY_ANSWER_HASH)).toBe(false);
    console.info(`answer hash at the default cost: ${ms.toFixed(0)} ms per verification`);
  });
});
