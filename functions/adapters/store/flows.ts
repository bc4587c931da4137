/**
 * Reset and unlock flows, and the open-flow pointer of each subject: the pointer holds the tokenHash of the subject's
 * newest flow, and a flow it does not name is dead (one open flow per user).
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { RECOVERY_METHODS } from '../../core/recovery/policy.js';
import type { Flow, FlowStep, Store } from '../../core/store.js';
import {
  channel,
  epochSeconds,
  finite,
  getItem,
  itemKeys,
  language,
  parseItem,
  storeError,
  type Table,
  TTL_ATTRIBUTE,
} from './table.js';
import { createTokenRecord, readTokenRecord, replaceTokenRecord, type TokenRecordKind } from './tokens.js';

const FLOW_STEPS = [
  'choose',
  'question',
  'code',
  'authenticator',
  'recoveryCode',
  'passkey',
  'verified',
  'claimed',
  'failed',
  'done',
] as const satisfies readonly FlowStep[];
const recoveryMethod = z.enum(RECOVERY_METHODS);

const flows: TokenRecordKind<Flow> = {
  entity: 'flow',
  what: 'flow',
  key: itemKeys.flow,
  exists: 'a flow with this token already exists',
  attributes: (flow) => ({
    purpose: flow.purpose,
    subject: flow.subject,
    ...(flow.sealedName === undefined ? {} : { sealedName: flow.sealedName }),
    objectGuid: flow.objectGuid,
    decoy: flow.decoy,
    language: flow.language,
    questionIds: [...flow.questionIds],
    answered: flow.answered,
    correct: flow.correct,
    correctRequired: flow.correctRequired,
    alternatives: flow.alternatives.map((a) => ({ methods: [...a.methods], onlyWithout: [...a.onlyWithout] })),
    passed: [...flow.passed],
    channels: flow.channels.map(({ id, channel, address }) => ({ id, channel, address })),
    step: flow.step,
    pending: flow.pending,
    code: flow.code && { hmac: flow.code.hmac, channelId: flow.code.channelId, expiresAt: flow.code.expiresAt },
    codeTries: flow.codeTries,
    sends: flow.sends,
    lastSentAt: flow.lastSentAt,
    passwordTries: flow.passwordTries,
    ...(flow.passkeyChallengeHash === undefined ? {} : { passkeyChallengeHash: flow.passkeyChallengeHash }),
    createdAt: flow.createdAt,
  }),
  schema: z.object({
    tokenHash: z.string(),
    purpose: z.enum(['reset', 'unlock']),
    subject: z.string(),
    sealedName: z.optional(z.string()),
    objectGuid: z.nullable(z.string()),
    decoy: z.boolean(),
    language,
    questionIds: z.array(z.string()),
    answered: finite,
    correct: finite,
    correctRequired: finite,
    alternatives: z.array(z.object({ methods: z.array(recoveryMethod), onlyWithout: z.array(recoveryMethod) })),
    passed: z.array(recoveryMethod),
    channels: z.array(z.object({ id: z.string(), channel, address: z.string() })),
    step: z.enum(FLOW_STEPS),
    pending: z.nullable(z.string()),
    code: z.nullable(z.object({ hmac: z.string(), channelId: z.string(), expiresAt: finite })),
    codeTries: finite,
    sends: finite,
    lastSentAt: z.nullable(finite),
    passwordTries: finite,
    // An item written before challenges were hashed holds `passkeyChallenge` in clear: not read (the object drops it),
    // so its ceremony has no challenge and the user asks for a new one; the next write (a Put) leaves it out.
    passkeyChallengeHash: z.optional(z.nullable(z.string())),
    createdAt: finite,
    expiresAtMs: finite,
    version: finite,
  }),
};

const openFlowItem = z.object({ tokenHash: z.string() });

type FlowRecords = Pick<Store, 'createFlow' | 'getFlow' | 'updateFlow' | 'endOpenFlows'>;

export function flowRecords(table: Table): FlowRecords {
  const { db, tableName } = table;

  async function createFlow(flow: Flow): Promise<void> {
    await createTokenRecord(table, flows, flow, 'createFlow');
    // The pointer goes second, so a crash between the writes leaves the old flow current and the new one unreachable:
    // never a state the caller did not ask for. Unconditional: the newest start always wins.
    try {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...itemKeys.openFlow(flow.subject),
            entity: 'openFlow',
            tokenHash: flow.tokenHash,
            [TTL_ATTRIBUTE]: epochSeconds(flow.expiresAt),
          },
        }),
      );
    } catch (error) {
      throw storeError('createFlow', error);
    }
  }

  async function getFlow(tokenHash: string, now: number): Promise<Flow | null> {
    const flow = await readTokenRecord(table, flows, tokenHash, now, 'getFlow');
    if (!flow) return null;
    const pointer = await getItem(table, itemKeys.openFlow(flow.subject), 'getFlow');
    // No pointer means the start crashed between its two writes: the flow was never handed out as current.
    if (!pointer) return null;
    return parseItem(openFlowItem, pointer, 'open flow').tokenHash === flow.tokenHash ? flow : null;
  }

  async function updateFlow(flow: Flow): Promise<boolean> {
    return replaceTokenRecord(table, flows, flow, 'updateFlow');
  }

  async function endOpenFlows(subject: string): Promise<void> {
    try {
      // getFlow answers only for the flow the pointer names: without it, none of the subject's flows is live.
      await db.send(new DeleteCommand({ TableName: tableName, Key: itemKeys.openFlow(subject) }));
    } catch (error) {
      throw storeError('endOpenFlows', error);
    }
  }

  return { createFlow, getFlow, updateFlow, endOpenFlows };
}
