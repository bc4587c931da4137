/**
 * A software WebAuthn authenticator for the API tests: a P-256 key pair from node:crypto, attestation "none", and
 * the CBOR it needs written here (unsigned and negative integers, byte and text strings, maps). It answers the
 * options the API sends as a browser's PublicKeyCredential.toJSON() would, and can be told to misbehave (another
 * origin, no user verification, a counter of its choosing).
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

type Cbor = number | string | Buffer | Map<Cbor, Cbor>;

export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') {
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  const parts = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 256) return Buffer.from([(major << 5) | 24, length]);
  if (length < 65536) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(length, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(length, 1);
  return b;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export interface CeremonyTweaks {
  origin?: string;
  /** Leave the UV flag out. */
  noUv?: boolean;
  /** The signature counter to report (default: one more than the last). */
  counter?: number;
}

export class SoftAuthenticator {
  readonly credentialId = randomBytes(32);
  private readonly privateKey: KeyObject;
  private readonly cose: Buffer;
  counter = 0;

  constructor(private readonly origin: string) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    const jwk = pair.publicKey.export({ format: 'jwk' });
    this.cose = cbor(
      new Map<Cbor, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]),
    );
  }

  get id(): string {
    return this.credentialId.toString('base64url');
  }

  /** A RegistrationResponseJSON for PublicKeyCredentialCreationOptionsJSON. */
  register(options: { challenge: string; rp: { id: string } }, tweaks: CeremonyTweaks = {}) {
    const clientData = this.clientData('webauthn.create', options.challenge, tweaks);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([
      this.authDataHead(options.rp.id, FLAG_AT, tweaks.counter ?? this.counter, tweaks.noUv),
      Buffer.alloc(16),
      idLength,
      this.credentialId,
      this.cose,
    ]);
    const attestationObject = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: clientData.toString('base64url'),
        attestationObject: attestationObject.toString('base64url'),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    };
  }

  /** An AuthenticationResponseJSON for PublicKeyCredentialRequestOptionsJSON; the counter moves on unless told. */
  assert(options: { challenge: string; rpId: string }, tweaks: CeremonyTweaks = {}) {
    const counter = tweaks.counter ?? this.counter + 1;
    this.counter = Math.max(this.counter, counter);
    const clientData = this.clientData('webauthn.get', options.challenge, tweaks);
    const authData = this.authDataHead(options.rpId, 0, counter, tweaks.noUv);
    const signature = sign(
      'sha256',
      Buffer.concat([authData, createHash('sha256').update(clientData).digest()]),
      this.privateKey,
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: clientData.toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'),
      },
      clientExtensionResults: {},
    };
  }

  private clientData(type: string, challenge: string, tweaks: CeremonyTweaks): Buffer {
    return Buffer.from(
      JSON.stringify({ type, challenge, origin: tweaks.origin ?? this.origin, crossOrigin: false }),
      'utf8',
    );
  }

  private authDataHead(rpId: string, extraFlags: number, counter: number, noUv = false): Buffer {
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    return Buffer.concat([
      createHash('sha256').update(rpId, 'utf8').digest(),
      Buffer.from([FLAG_UP | extraFlags | (noUv ? 0 : FLAG_UV)]),
      counterBytes,
    ]);
  }
}
