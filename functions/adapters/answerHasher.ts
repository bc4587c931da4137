/**
 * Answer hashes (DESIGN §5): scrypt at OWASP cost over an HMAC of the normalized answer keyed with the pepper, with a
 * 16-byte random salt per answer. The record names its parameters so the cost can be raised later: verification
 * always uses the stored ones.
 */
import { createHmac, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { NORMALIZATION_VERSION } from '../core/answers.js';
import type { AnswerHasher, Secrets } from '../core/ports.js';
import type { AnswerHash } from '../core/store.js';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 17, r: 8, p: 1, keyLength: 32 });

const SALT_BYTES = 16;

// Bounds for stored records: anything outside is malformed, and a damaged record must never make verify allocate
// without limit. 512 MiB is four times the OWASP cost and still fits the hashing functions' memory.
const MAX_MEMORY_BYTES = 512 * 1024 * 1024;
const MAX_N = 2 ** 22;
const MAX_R = 32;
const MAX_P = 16;
const MIN_KEY_LENGTH = 16;
const MAX_KEY_LENGTH = 64;

/** scrypt needs 128·N·r bytes (plus a little); Node's default maxmem of 32 MiB is far below the OWASP cost. */
function maxmemFor({ N, r, p }: ScryptParams): number {
  return 256 * N * r + 128 * r * p + 1024 * 1024;
}

// The async form, so hashing runs on the libuv pool and never blocks the event loop.
function scryptAsync(password: Buffer, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: maxmemFor(params) };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, params.keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function checkParams(params: ScryptParams): void {
  const { N, r, p, keyLength } = params;
  const ok =
    Number.isInteger(N) &&
    N >= 2 &&
    N <= MAX_N &&
    (N & (N - 1)) === 0 &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= MAX_R &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= MAX_P &&
    Number.isInteger(keyLength) &&
    keyLength >= MIN_KEY_LENGTH &&
    keyLength <= MAX_KEY_LENGTH &&
    128 * N * r <= MAX_MEMORY_BYTES;
  if (!ok) throw new Error(`ScryptAnswerHasher: invalid scrypt parameters ${JSON.stringify(params)}`);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 (Buffer.from ignores what it cannot read, which would let a damaged record decode to something). */
function decodeBase64(value: unknown): Buffer | null {
  if (typeof value !== 'string' || value.length === 0 || !BASE64.test(value)) return null;
  return Buffer.from(value, 'base64');
}

interface ReadableHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

/** The record's parts, or null for anything this hasher cannot (or must not) compute. */
function readRecord(stored: unknown): ReadableHash | null {
  if (typeof stored !== 'object' || stored === null) return null;
  const record = stored as Record<string, unknown>;
  if (record.algorithm !== 'scrypt') return null;
  if (!Number.isInteger(record.normalization) || (record.normalization as number) < 1) return null;
  const params = { N: record.N, r: record.r, p: record.p, keyLength: record.keyLength } as ScryptParams;
  try {
    checkParams(params);
  } catch {
    return null;
  }
  const salt = decodeBase64(record.salt);
  const hash = decodeBase64(record.hash);
  if (!salt || salt.length < SALT_BYTES || !hash) return null;
  return { params, salt, hash };
}

/**
 * A well-formed record of a random value that no answer matches. Verifying against it costs what a real verification
 * costs, so a path with no enrolled answer (decoy flows) takes the same time as one with.
 */
export function createDummyAnswerHash(params: ScryptParams = DEFAULT_SCRYPT_PARAMS): AnswerHash {
  checkParams(params);
  return Object.freeze({
    algorithm: 'scrypt',
    N: params.N,
    r: params.r,
    p: params.p,
    keyLength: params.keyLength,
    salt: randomBytes(SALT_BYTES).toString('base64'),
    hash: randomBytes(params.keyLength).toString('base64'),
    normalization: NORMALIZATION_VERSION,
  });
}

/** A dummy record at the default cost, for decoy comparisons. */
export const DUMMY_ANSWER_HASH: AnswerHash = createDummyAnswerHash();

export class ScryptAnswerHasher implements AnswerHasher {
  private readonly params: ScryptParams;
  private readonly dummy: AnswerHash;

  constructor(
    private readonly secrets: Secrets,
    params: Partial<ScryptParams> = {},
  ) {
    this.params = { ...DEFAULT_SCRYPT_PARAMS, ...params };
    checkParams(this.params);
    this.dummy = createDummyAnswerHash(this.params);
  }

  async hash(normalizedAnswer: string): Promise<AnswerHash> {
    const salt = randomBytes(SALT_BYTES);
    const key = await scryptAsync(await this.keyed(normalizedAnswer), salt, this.params);
    return {
      algorithm: 'scrypt',
      N: this.params.N,
      r: this.params.r,
      p: this.params.p,
      keyLength: this.params.keyLength,
      salt: salt.toString('base64'),
      hash: key.toString('base64'),
      normalization: NORMALIZATION_VERSION,
    };
  }

  async verify(normalizedAnswer: string, stored: AnswerHash | null): Promise<boolean> {
    const record = readRecord(stored ?? this.dummy);
    if (!record) return false;
    // A pepper that cannot be fetched is an outage, not a wrong answer: that error propagates.
    const key = await scryptAsync(await this.keyed(normalizedAnswer), record.salt, record.params);
    return stored !== null && key.length === record.hash.length && timingSafeEqual(key, record.hash);
  }

  /**
   * Whether a record that just verified should be replaced by a new hash at this hasher's parameters (a raised cost or
   * a new normalization version); the caller rehashes on the next successful use (DESIGN §5).
   */
  needsRehash(stored: AnswerHash): boolean {
    return (
      stored.N < this.params.N ||
      stored.r < this.params.r ||
      stored.p < this.params.p ||
      stored.keyLength < this.params.keyLength ||
      stored.normalization !== NORMALIZATION_VERSION
    );
  }

  /** The pepper keys the hash, so a copy of the table alone cannot be brute-forced. */
  private async keyed(normalizedAnswer: string): Promise<Buffer> {
    return createHmac('sha256', await this.secrets.pepper())
      .update(normalizedAnswer, 'utf8')
      .digest();
  }
}
