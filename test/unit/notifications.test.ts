import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../functions/core/language.js';
import {
  checkTemplateParams,
  cleanText,
  isSealedTemplate,
  notMeLink,
  REPUDIABLE_TEMPLATES,
  renderMessage,
  SEALED_TEMPLATES,
  sanitizeDirectoryValue,
  TEMPLATE_NAMES,
  TEMPLATE_PARAMS,
} from '../../functions/core/notifications.js';
import type { OutboxItem } from '../../functions/core/store.js';

const TOKEN = 'Tk_-'.repeat(10).concat('abc');

const context = { helpdeskContact: 'the IT helpdesk (ext. 4357)', baseUrl: 'https://sspr.corp.example.com/' };

function item(overrides: Partial<OutboxItem> = {}): OutboxItem {
  return {
    id: 'item-1',
    channel: 'email',
    to: 'alice@corp.example.test',
    template: 'enrolled',
    params: { displayName: 'Alice Archer', at: '2026-03-01T09:05:42.123Z', sourceAddress: '192.0.2.10' },
    language: 'en',
    status: 'pending',
    createdAt: 0,
    ...overrides,
  };
}

/** Parameters that satisfy every template's required list. */
function paramsFor(template: keyof typeof TEMPLATE_PARAMS): Record<string, string> {
  const all: Record<string, string> = {
    displayName: 'Alice Archer',
    at: '2026-03-01T09:05:00Z',
    until: '2026-03-02T09:05:00Z',
    sourceAddress: '192.0.2.10',
    contact: 'a•••@example.com',
    code: '042917',
    minutes: '10',
    method: 'authenticator',
    notMeToken: TOKEN,
    subject: 'alice',
    event: 'password-reset',
  };
  const spec = TEMPLATE_PARAMS[template];
  const names: readonly string[] = [...spec.required, ...spec.optional];
  return Object.fromEntries(Object.entries(all).filter(([name]) => names.includes(name)));
}

describe('renderMessage', () => {
  it('renders the enrolled e-mail with the time, address, helpdesk and base URL', () => {
    const message = renderMessage(item(), context);
    expect(message.channel).toBe('email');
    expect(message.to).toBe('alice@corp.example.test');
    expect(message.subject).toBe('Your self-service security answers were saved');
    expect(message.body).toBe(
      [
        'Hello Alice Archer,',
        '',
        'Your security answers for password self-service were saved on 2026-03-01 09:05 UTC (from address 192.0.2.10).',
        '',
        "If this was you, there is nothing more to do. If it wasn't you, contact the IT helpdesk (ext. 4357) right away.",
        '',
        'Password self-service: https://sspr.corp.example.com/',
        '',
      ].join('\n'),
    );
  });

  it('renders the enrolled message without a source address', () => {
    const message = renderMessage(
      item({ params: { displayName: 'Alice Archer', at: '2026-03-01T09:05:00Z' } }),
      context,
    );
    expect(message.body).toContain('were saved on 2026-03-01 09:05 UTC.');
  });

  it('greets plainly when the directory has no display name', () => {
    const message = renderMessage(item({ params: { displayName: '', at: '2026-03-01T09:05:00Z' } }), context);
    expect(message.body.startsWith('Hello,\n')).toBe(true);
  });

  it('renders a short SMS without subject or link', () => {
    const message = renderMessage(item({ channel: 'sms', to: '+15550100001' }), context);
    expect(message).toEqual({
      channel: 'sms',
      to: '+15550100001',
      body: 'Your password self-service answers were saved on 2026-03-01 09:05 UTC. Not you? Contact the IT helpdesk (ext. 4357).',
    });
    expect(message.body).not.toContain('http');
  });

  it('renders contact-added with and without the masked contact', () => {
    const withContact = renderMessage(
      item({
        template: 'contact-added',
        params: { displayName: 'A', at: '2026-03-01T09:05:00Z', contact: 'a•••@example.com' },
      }),
      context,
    );
    expect(withContact.subject).toBe('A contact was added to your password self-service');
    expect(withContact.body).toContain('The contact a•••@example.com was added');
    expect(withContact.body).toContain('only after it has been confirmed');
    const without = renderMessage(
      item({ template: 'contact-added', params: { displayName: 'A', at: '2026-03-01T09:05:00Z' } }),
      context,
    );
    expect(without.body).toContain('A new e-mail address or mobile number was added');
  });

  it('speaks German and French', () => {
    const de = renderMessage(item({ language: 'de' }), context);
    expect(de.subject).toBe('Ihre Sicherheitsantworten wurden gespeichert');
    expect(de.body).toContain('Hallo Alice Archer,');
    expect(de.body).toContain('am 2026-03-01 09:05 UTC (von der Adresse 192.0.2.10) gespeichert');
    expect(de.body).toContain('wenden Sie sich bitte sofort an the IT helpdesk (ext. 4357)');
    const fr = renderMessage(item({ language: 'fr', template: 'contact-added' }), context);
    expect(fr.subject).toBe('Un contact a été ajouté à votre libre-service mot de passe');
    expect(fr.body).toContain('Bonjour Alice Archer,');
  });

  it('tells a blocked user until when, and that the helpdesk can help before then (a victim is not left waiting)', () => {
    const blocked = (language: OutboxItem['language']) =>
      renderMessage(
        item({ template: 'self-service-blocked', language, params: paramsFor('self-service-blocked') }),
        context,
      ).body;
    expect(blocked('en')).toContain('blocked for your account until 2026-03-02 09:05 UTC');
    expect(blocked('en')).toContain(
      'To reset your password or unlock your account before then, or if you did not try to, contact the IT helpdesk (ext. 4357).',
    );
    expect(blocked('de')).toContain('vorher zurückzusetzen oder Ihr Konto zu entsperren');
    expect(blocked('de')).toContain('wenden Sie sich bitte an the IT helpdesk (ext. 4357)');
    expect(blocked('fr')).toContain('déverrouiller votre compte avant cette date');
    expect(blocked('fr')).toContain('contactez the IT helpdesk (ext. 4357)');
  });

  it('renders every template in every language and channel with a one-line subject', () => {
    for (const template of TEMPLATE_NAMES) {
      if (template === 'repudiation-alert') continue;
      for (const language of LANGUAGES) {
        const email = renderMessage(item({ template, language, params: paramsFor(template) }), context);
        expect(email.subject, `${template}/${language}`).toMatch(/^[^\r\n]+$/);
        expect(email.body).toContain('https://sspr.corp.example.com/');
        expect(email.body).toContain('the IT helpdesk (ext. 4357)');
        expect(email.body).not.toMatch(/undefined|\{|\}/);
        const sms = renderMessage(item({ template, language, channel: 'sms', params: paramsFor(template) }), context);
        expect(sms.subject).toBeUndefined();
        expect(sms.body).not.toMatch(/undefined|\n/);
        expect(sms.body.length).toBeLessThan(200);
        // The "This wasn't me" link: in the e-mail of every template that takes one, never in a text.
        const link = `https://sspr.corp.example.com/#/not-me?token=${TOKEN}`;
        expect(email.body.includes(link), `${template}/${language}`).toBe(
          (REPUDIABLE_TEMPLATES as readonly string[]).includes(template),
        );
        expect(sms.body).not.toContain(TOKEN);
      }
    }
  });

  it('the notices of a reset, an unlock, a change, a method change and an enrollment take the token; others do not', () => {
    const takes = TEMPLATE_NAMES.filter((name) =>
      ([...TEMPLATE_PARAMS[name].required, ...TEMPLATE_PARAMS[name].optional] as string[]).includes('notMeToken'),
    );
    expect(takes.sort()).toEqual([...REPUDIABLE_TEMPLATES].sort());
    expect(() =>
      checkTemplateParams('password-reset', { displayName: 'A', at: '2026-03-01T09:05:00Z', notMeToken: 'short' }),
    ).toThrow(/notMeToken must be a token/);
    const reset = renderMessage(
      item({ template: 'password-reset', params: { displayName: 'A', at: '2026-03-01T09:05:00Z', notMeToken: TOKEN } }),
      context,
    );
    expect(reset.body).toContain('choose Report it');
    expect(reset.body).toContain(`\nhttps://sspr.corp.example.com/#/not-me?token=${TOKEN}\n`);
    expect(reset.subject).not.toContain(TOKEN);
  });

  it('builds the link under the base URL: its path kept, its query and fragment dropped', () => {
    expect(notMeLink('https://sspr.example.com', TOKEN)).toBe(`https://sspr.example.com/#/not-me?token=${TOKEN}`);
    expect(notMeLink('https://x.example.com/self?x=1#frag', TOKEN)).toBe(
      `https://x.example.com/self/#/not-me?token=${TOKEN}`,
    );
    expect(() => notMeLink('javascript:alert(1)', TOKEN)).toThrow(/http/);
  });

  it("renders the operators' alert on the alert channel only, in English, without any token", () => {
    const params = { subject: 'bob', event: 'password-reset', at: '2026-03-01T09:05:00Z', sourceAddress: '192.0.2.7' };
    const alert = renderMessage(item({ channel: 'alert', to: 'operators', template: 'repudiation-alert', params }), {
      ...context,
    });
    expect(alert).toMatchObject({ channel: 'alert', to: 'operators' });
    expect(alert.subject).toBe('SSPR: bob reported password-reset as not theirs');
    expect(alert.body).toContain('bob');
    expect(alert.body).toContain('2026-03-01 09:05 UTC');
    expect(alert.body).toContain('192.0.2.7');
    expect(() => renderMessage(item({ channel: 'email', template: 'repudiation-alert', params }), context)).toThrow(
      /channel email/,
    );
    expect(() => renderMessage(item({ channel: 'alert' }), context)).toThrow(/channel alert/);
    expect(() =>
      renderMessage(
        item({ channel: 'alert', template: 'repudiation-alert', params: { ...params, notMeToken: TOKEN } }),
        context,
      ),
    ).toThrow(/does not take/);
  });

  it('tells an added or removed recovery method in words of each language, and takes no other method', () => {
    const notice = (template: string, language: OutboxItem['language'], method: string, channel: 'email' | 'sms') =>
      renderMessage(
        item({
          template,
          language,
          channel,
          params: { displayName: 'A', at: '2026-03-01T09:05:00Z', method, sourceAddress: '192.0.2.10' },
        }),
        context,
      );
    const added = notice('method-added', 'en', 'authenticator', 'email');
    expect(added.subject).toBe('A recovery method was added to your password self-service');
    expect(added.body).toContain(
      'An authenticator app was added to your password self-service on 2026-03-01 09:05 UTC (from address 192.0.2.10).',
    );
    expect(notice('method-removed', 'en', 'recoveryCodes', 'sms').body).toBe(
      'A set of recovery codes was removed from your password self-service on 2026-03-01 09:05 UTC. Not you? Contact the IT helpdesk (ext. 4357).',
    );
    expect(notice('method-added', 'de', 'recoveryCodes', 'email').body).toContain(
      'Ein Satz Wiederherstellungscodes wurde am 2026-03-01 09:05 UTC (von der Adresse 192.0.2.10) zu Ihrer',
    );
    expect(notice('method-removed', 'fr', 'authenticator', 'email').body).toContain(
      'Une application d’authentification a été retirée de votre libre-service mot de passe le 2026-03-01 09:05 UTC',
    );
    // The method's id is never the words.
    for (const language of LANGUAGES) {
      expect(notice('method-added', language, 'recoveryCodes', 'email').body).not.toContain('recoveryCodes');
    }
    expect(() => notice('method-added', 'en', 'JBSWY3DPEHPK3PXP', 'email')).toThrow(/parameter method must be one of/);
    expect(() => notice('method-added', 'en', 'toString', 'email')).toThrow(/parameter method must be one of/);
  });

  it('throws for an unknown template', () => {
    expect(() => renderMessage(item({ template: 'reset-code' }), context)).toThrow(/unknown notification template/);
    expect(() => renderMessage(item({ template: 'toString' }), context)).toThrow(/unknown notification template/);
  });

  it('refuses parameters a template does not take, so no secret can ride along', () => {
    expect(() => renderMessage(item({ params: { ...item().params, code: '123456' } }), context)).toThrow(
      /does not take the parameter "code"/,
    );
    expect(() => renderMessage(item({ params: { ...item().params, password: 'x' } }), context)).toThrow(
      /does not take/,
    );
  });

  it('refuses missing parameters and malformed times', () => {
    expect(() => renderMessage(item({ params: { displayName: 'A' } }), context)).toThrow(/needs the parameter at/);
    expect(() => renderMessage(item({ params: { displayName: 'A', at: 'yesterday' } }), context)).toThrow(
      /not an ISO 8601 time/,
    );
    expect(() => checkTemplateParams('self-service-blocked', { displayName: 'A', at: '2026-03-01T09:05:00Z' })).toThrow(
      /needs the parameter until/,
    );
    expect(() =>
      checkTemplateParams('enrolled', { displayName: 'A', at: '2026-03-01T09:05:00Z', sourceAddress: 1 }),
    ).toThrow(/must be a string/);
  });

  it('builds links only from the base URL, and only http(s)', () => {
    const message = renderMessage(item(), { ...context, baseUrl: 'https://sspr.example.com/self?x=1#frag' });
    expect(message.body).toContain('Password self-service: https://sspr.example.com/self\n');
    expect(() => renderMessage(item(), { ...context, baseUrl: 'javascript:alert(1)' })).toThrow(/http/);
    expect(() => renderMessage(item(), { ...context, baseUrl: 'not a url' })).toThrow(/not a URL/);
  });

  it('sanitizes directory values: no CR/LF, no control characters, no links, capped length', () => {
    const hostile = 'Mallory\r\nBcc: victim@example.com\u0000\u202Eevil';
    const message = renderMessage(item({ params: { displayName: hostile, at: '2026-03-01T09:05:00Z' } }), {
      ...context,
      helpdeskContact: 'help\r\ndesk',
    });
    const greeting = message.body.split('\n')[0];
    expect(greeting).toBe('Hello Mallory Bcc: victim@example\u2024com evil,');
    expect(message.body).toContain('contact help desk right away');
    expect(message.body.split('\n')).toHaveLength(8);

    const link = renderMessage(
      item({ params: { displayName: 'Call https://evil.example.com now', at: '2026-03-01T09:05:00Z' } }),
      context,
    );
    expect(link.body).not.toContain('evil.example.com');
    expect(link.body).not.toContain('https://evil');

    const long = renderMessage(item({ params: { displayName: 'x'.repeat(500), at: '2026-03-01T09:05:00Z' } }), context);
    expect(long.body.split('\n')[0]).toBe(`Hello ${'x'.repeat(63)}…,`);
  });

  it('keeps ordinary names intact', () => {
    expect(sanitizeDirectoryValue('Zoë O’Brien-Łukasz J. R.')).toBe('Zoë O’Brien-Łukasz J. R.');
    expect(cleanText('  two   spaces\tand tab ')).toBe('two spaces and tab');
    expect(sanitizeDirectoryValue('😀'.repeat(70))).toBe(`${'😀'.repeat(63)}…`);
  });
});

describe('TEMPLATE_PARAMS', () => {
  it('documents the templates the brief requires', () => {
    expect(TEMPLATE_PARAMS.enrolled).toEqual({
      required: ['displayName', 'at'],
      optional: ['sourceAddress', 'notMeToken'],
    });
    expect(TEMPLATE_NAMES).toContain('contact-added');
  });

  it('names no secret as a parameter but the code (of the code template) and the "This wasn\'t me" token', () => {
    for (const [template, spec] of Object.entries(TEMPLATE_PARAMS)) {
      if (template === 'verification-code') {
        expect([...spec.required, ...spec.optional].sort()).toEqual(['code', 'minutes']);
        continue;
      }
      for (const name of [...spec.required, ...spec.optional]) {
        if (name === 'notMeToken') continue;
        expect(name).not.toMatch(/code|password|answer|token|secret|pepper|key/i);
      }
    }
  });

  it('seals exactly the templates that take a code or a token; an unknown template counts as sealed', () => {
    expect([...SEALED_TEMPLATES].sort()).toEqual(['verification-code', ...REPUDIABLE_TEMPLATES].sort());
    for (const template of TEMPLATE_NAMES) {
      const spec: { required: readonly string[]; optional: readonly string[] } = TEMPLATE_PARAMS[template];
      const names = [...spec.required, ...spec.optional];
      expect(isSealedTemplate(template)).toBe(names.includes('code') || names.includes('notMeToken'));
    }
    expect(isSealedTemplate('no-such-template')).toBe(true);
  });

  it('the code template takes digits only', () => {
    expect(() =>
      renderMessage(item({ template: 'verification-code', params: { code: '12ab56', minutes: '10' } }), context),
    ).toThrow(/must be digits/);
    const email = renderMessage(
      item({ template: 'verification-code', params: { code: '042917', minutes: '10' } }),
      context,
    );
    expect(email.body).toContain('042917');
    expect(email.subject).not.toContain('042917');
  });
});
