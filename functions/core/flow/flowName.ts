/**
 * The name a flow was started for, as reduced from what was typed (username.ts: `alice`, `CORP\alice` and
 * `alice@corp.example.test` are all `alice`), echoed in every step's response so the page can say whose password is
 * being reset and offer "Not you? Start again" (issue 16 item 4; docs/recovery.md). It is the typed name, never the
 * directory's canonical form, so the echo is the same for a name that exists and one that does not.
 *
 * The flow keeps it sealed under a key derived from the flow token, which the table holds only as its hash: a copy of
 * the table reads no typed name (a made-up one may be a password typed in the wrong field; nameForms.test.ts), while
 * each request, which carries the token, opens it. Every name seals to the same length.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** A reduced name is at most 64 code points of at most 4 bytes each; padded to this, no name's length shows. */
const PADDED_BYTES = 256;
const IV_BYTES = 12;

function keyOf(token: string): Buffer {
  return createHmac('sha256', token).update('sspr flow name v1', 'utf8').digest();
}

/** `iv.ciphertext.tag` in base64url: AES-256-GCM of the name padded with NUL bytes (a name holds no control character). */
export function sealFlowName(token: string, name: string): string {
  const plain = Buffer.alloc(PADDED_BYTES);
  plain.write(name.slice(0, PADDED_BYTES), 'utf8');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(token), iv);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [iv, sealed, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.');
}

/**
 * The name sealed with this flow's token; '' for a flow opened before names were kept, or one that does not open
 * (never a refusal: the echo is a courtesy, the token already proved the flow).
 */
export function openFlowName(token: string, sealed: string | undefined): string {
  if (!sealed) return '';
  const [iv, body, tag] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !body || !tag || iv.length !== IV_BYTES) return '';
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(token), iv);
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(body), decipher.final()]);
    const end = plain.indexOf(0);
    return plain.subarray(0, end < 0 ? plain.length : end).toString('utf8');
  } catch {
    return '';
  }
}
