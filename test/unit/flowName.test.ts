import { describe, expect, it } from 'vitest';
import { openFlowName, sealFlowName } from '../../functions/core/flow/flowName.js';
import { newToken } from '../../functions/core/tokens.js';

describe('the name a flow echoes, sealed with its token', () => {
  it('opens with the flow token, to the name sealed', () => {
    const token = newToken();
    for (const name of ['alice', 'juniper.j', 'summer2026xq', 'jürgen müller', '𝒶'.repeat(64)]) {
      expect(openFlowName(token, sealFlowName(token, name))).toBe(name);
    }
  });

  it('does not open with another token, or when tampered with, and never throws', () => {
    const token = newToken();
    const sealed = sealFlowName(token, 'alice');
    expect(openFlowName(newToken(), sealed)).toBe('');
    const [iv, body, tag] = sealed.split('.');
    const flipped = `${body?.[0] === 'A' ? 'B' : 'A'}${body?.slice(1)}`;
    expect(openFlowName(token, `${iv}.${flipped}.${tag}`)).toBe('');
    for (const broken of [undefined, '', 'x', 'a.b', '...']) expect(openFlowName(token, broken)).toBe('');
  });

  it('holds no trace of the name, and has one length whatever the name', () => {
    const token = newToken();
    const short = sealFlowName(token, 'a');
    const long = sealFlowName(token, 'x'.repeat(64));
    expect(short.length).toBe(long.length);
    expect(sealFlowName(token, 'alice')).not.toBe(sealFlowName(token, 'alice'));
    const decoded = sealFlowName(token, 'alice')
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
      .join('');
    expect(decoded).not.toContain('alice');
  });
});
