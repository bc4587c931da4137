/**
 * Showing a flow's step, including the passkey step (issue 16): a passkey challenge is made when the flow shows that
 * step (at start, at a choice, after a method passed or an assertion failed), 32 random bytes sent as
 * PublicKeyCredentialRequestOptionsJSON (the account's passkeys allowed, user verification required) and kept on the
 * flow only as their SHA-256 (tokens.ts hashToken), with one conditional write. The answer that uses it clears it
 * (passkeyAnswer.ts); it expires with the flow.
 *
 * The options are built here without @simplewebauthn/server, so the start, answer and choose functions do not bundle
 * it; only the function that checks an assertion does. Decoy flows never reach a passkey step (steps.ts
 * decoyAlternatives).
 */
import { randomBytes } from 'node:crypto';
import type { Language } from '../language.js';
import { PASSKEY_CHALLENGE_BYTES } from '../methods/passkeyConstants.js';
import type { RequestPorts } from '../requestPorts.js';
import type { Flow } from '../store.js';
import { hashToken } from '../tokens.js';
import { type Challenge, stepChallenge } from './challenge.js';
import { writeFlow } from './flowState.js';

/** How long a browser is told the ceremony may take (the challenge itself lives as long as the flow). */
const CEREMONY_TIMEOUT_MS = 5 * 60_000;

/** The challenge of a flow at a method step or a choice; at the passkey step a new passkey challenge is kept. */
export async function showChallenge(flow: Flow, language: Language, ports: RequestPorts): Promise<Challenge> {
  if (flow.step !== 'passkey') return stepChallenge(flow, language);
  const enrollment = flow.objectGuid ? await ports.store.getEnrollment(flow.objectGuid) : null;
  const challenge = randomBytes(PASSKEY_CHALLENGE_BYTES).toString('base64url');
  await writeFlow(ports, flow, { passkeyChallengeHash: hashToken(challenge) });
  return {
    type: 'passkey',
    options: {
      challenge,
      rpId: new URL(ports.config.notifications.baseUrl).hostname,
      allowCredentials: (enrollment?.passkeys ?? []).map((p) => ({
        id: p.id,
        type: 'public-key',
        ...(p.transports.length > 0 ? { transports: knownTransports(p.transports) } : {}),
      })),
      timeout: CEREMONY_TIMEOUT_MS,
      userVerification: 'required',
    },
  };
}

const TRANSPORTS = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'] as const;
type Transport = (typeof TRANSPORTS)[number];

function knownTransports(transports: readonly string[]): Transport[] {
  return transports.filter((t): t is Transport => (TRANSPORTS as readonly string[]).includes(t));
}
