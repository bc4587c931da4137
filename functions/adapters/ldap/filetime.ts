/**
 * AD's Integer8 values: FILETIMEs (100 ns since 1601-01-01 UTC) and policy durations (negative 100 ns intervals).
 * They exceed 2^53, so they are parsed as BigInt; Number() would silently round them.
 */

/** FILETIME of the Unix epoch. */
export const FILETIME_UNIX_EPOCH = 116444736000000000n;
/** Integer8 "never" as AD writes it for policy durations (0x8000000000000000 read as a signed 64-bit value). */
export const INTERVAL_NEVER = -0x8000000000000000n;
const TICKS_PER_SECOND = 10_000_000n;
const INTEGER8 = /^-?\d{1,20}$/;
const INT64_MIN = -0x8000000000000000n;
const UINT64_MAX = 0xffffffffffffffffn;

/**
 * An Integer8 attribute value as BigInt. Some tools print the "never" interval unsigned (9223372036854775808), so
 * values above 2^63-1 are read as the signed 64-bit value they stand for. Throws on anything that is not a number.
 */
export function parseInteger8(value: string): bigint {
  const text = value.trim();
  if (!INTEGER8.test(text)) throw new RangeError(`not an Integer8 value: ${JSON.stringify(value)}`);
  const parsed = BigInt(text);
  if (parsed < INT64_MIN || parsed > UINT64_MAX) throw new RangeError(`Integer8 value out of range: ${text}`);
  return BigInt.asIntN(64, parsed);
}

export function msFromFiletime(filetime: bigint): number {
  return Number((filetime - FILETIME_UNIX_EPOCH) / 10_000n);
}

export function filetimeFromMs(ms: number): bigint {
  return BigInt(Math.floor(ms)) * 10_000n + FILETIME_UNIX_EPOCH;
}

/**
 * A policy duration (minPwdAge, maxPwdAge, lockoutDuration, lockOutObservationWindow and the PSO's msDS-* ones)
 * in whole seconds. "Never" (-2^63) and 0 become 0, which DirectoryPolicy reads as none / never / until unlocked.
 */
export function intervalToSeconds(interval: bigint): number {
  if (interval === INTERVAL_NEVER || interval === 0n) return 0;
  // AD stores durations negative; a positive one (written by some tools) means the same length.
  const ticks = interval < 0n ? -interval : interval;
  return Number(ticks / TICKS_PER_SECOND);
}
