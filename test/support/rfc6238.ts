/**
 * RFC 4648 base32 and RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30 s steps), written for the tests from node:crypto, not
 * taken from the product's code, so a test that types an app's code checks the product against the RFC.
 */
import { createHmac } from 'node:crypto';

export function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.replace(/=+$/, '')) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** The code of time step `step` (floor(unix ms / 30 000)). */
export function totpAtStep(secret: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

/** The current code of a base32 seed at `nowMs`. */
export function totpNow(base32Seed: string, nowMs: number): string {
  return totpAtStep(base32Decode(base32Seed), Math.floor(nowMs / 30_000));
}
