/**
 * The messages the notifier sends (DESIGN §4 Notifications): one template per event, in every language, rendered to a
 * subject and plain-text body for e-mail and a short body for SMS. Pure: no I/O.
 *
 * Templates and the parameters they take (anything else is refused, so a secret can never ride along by accident):
 *   enrolled              displayName, at; sourceAddress?, notMeToken?   answers saved (to the old and the new channels)
 *   contacts-saved        displayName, at; sourceAddress?, notMeToken?   contacts saved by an enroll under a policy
 *                                                              without questions (nothing said of answers)
 *   contact-added         displayName, at; contact?, sourceAddress?   a pending contact was added; no code in it
 *   password-reset        displayName, at; sourceAddress?, notMeToken?
 *   account-unlocked      displayName, at; sourceAddress?, notMeToken?
 *   password-changed      displayName, at; sourceAddress?, notMeToken?
 *   self-service-blocked  displayName, at, until
 *   enrollment-removed    displayName, at                     the helpdesk removed the enrollment (admin CLI)
 *   method-added          displayName, at, method; sourceAddress?, notMeToken?   a recovery method was added (or replaced)
 *   method-removed        displayName, at, method; sourceAddress?, notMeToken?   a recovery method was removed
 *   verification-code     code, minutes                        a one-time code for a reset or unlock flow
 *   repudiation-alert     subject, event, at, sourceAddress    to the operators (channel alert): a user used the
 *                                                              "This wasn't me" link of an event's notice
 * `at` and `until` are ISO 8601 times; `displayName` may be '' (the directory has none) and gets a plain greeting;
 * `contact` is an already masked destination (core/masking.ts); `code` is digits only and `minutes` a number; `method`
 * is one of NOTICE_METHODS, told in words of the message's language (never anything of the method itself).
 * `notMeToken` is the event's "This wasn't me" token (core/repudiation.ts): an e-mail carries it as a link to the page's
 * #/not-me built from the base URL; an SMS never carries a link. `subject` is a username and `event` a template name.
 * `code` and `notMeToken` are secrets: a template that takes one is sealed to the notifier in the outbox
 * (SEALED_TEMPLATES, DESIGN §1).
 *
 * Everything that reaches a message from outside is cleaned: control characters, CR/LF and invisible formatting
 * characters are removed, length is capped, and directory values are defanged so a displayName cannot become a link.
 * The only links in any message are built from the configured base URL.
 */
import type { Language } from './language.js';
import type { RenderedMessage } from './ports.js';
import type { OutboxChannel, OutboxItem } from './store.js';

export interface NotificationContext {
  /** Who to contact when a message was not expected (config helpdesk.contact). */
  helpdeskContact: string;
  /** The service's public URL (config notifications.baseUrl); the only source of links. */
  baseUrl: string;
}

type ParamName =
  | 'displayName'
  | 'at'
  | 'until'
  | 'sourceAddress'
  | 'contact'
  | 'code'
  | 'minutes'
  | 'method'
  | 'notMeToken'
  | 'subject'
  | 'event';

/** The recovery methods a method-added or method-removed notice can name. */
export const NOTICE_METHODS = ['authenticator', 'recoveryCodes', 'passkey'] as const;
export type NoticeMethod = (typeof NOTICE_METHODS)[number];

const METHOD_NOTICE: ParamSpec = {
  required: ['displayName', 'at', 'method'],
  optional: ['sourceAddress', 'notMeToken'],
};

interface ParamSpec {
  required: readonly ParamName[];
  optional: readonly ParamName[];
}

const EVENT_PARAMS: ParamSpec = { required: ['displayName', 'at'], optional: ['sourceAddress', 'notMeToken'] };

/** Every template and the parameters it takes. */
export const TEMPLATE_PARAMS = {
  enrolled: EVENT_PARAMS,
  'contacts-saved': EVENT_PARAMS,
  'contact-added': { required: ['displayName', 'at'], optional: ['contact', 'sourceAddress'] },
  'password-reset': EVENT_PARAMS,
  'account-unlocked': EVENT_PARAMS,
  'password-changed': EVENT_PARAMS,
  'self-service-blocked': { required: ['displayName', 'at', 'until'], optional: [] },
  'enrollment-removed': { required: ['displayName', 'at'], optional: [] },
  'verification-code': { required: ['code', 'minutes'], optional: [] },
  'method-added': METHOD_NOTICE,
  'method-removed': METHOD_NOTICE,
  'repudiation-alert': { required: ['subject', 'event', 'at', 'sourceAddress'], optional: [] },
} as const satisfies Record<string, ParamSpec>;

export type TemplateName = keyof typeof TEMPLATE_PARAMS;

/** The one template of the `alert` channel (the operators' topic); every other template is for users. */
export const ALERT_TEMPLATE = 'repudiation-alert' satisfies TemplateName;

/** The templates users read: every one but the operators' alert. */
type UserTemplateName = Exclude<TemplateName, typeof ALERT_TEMPLATE>;

/**
 * The notices that carry a "This wasn't me" link (issue 16, NIST SP 800-63B-4 §4.2: a notice with a way to repudiate
 * after every recovery): a reset, an unlock, a change, a recovery method added or removed, and answers (re)enrolled or
 * contacts saved.
 */
export const REPUDIABLE_TEMPLATES = [
  'password-reset',
  'account-unlocked',
  'password-changed',
  'method-added',
  'method-removed',
  'enrolled',
  'contacts-saved',
] as const satisfies readonly TemplateName[];
export type RepudiableTemplate = (typeof REPUDIABLE_TEMPLATES)[number];

export function isRepudiableTemplate(name: string): name is RepudiableTemplate {
  return (REPUDIABLE_TEMPLATES as readonly string[]).includes(name);
}

export const TEMPLATE_NAMES = Object.keys(TEMPLATE_PARAMS) as TemplateName[];

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(TEMPLATE_PARAMS, name);
}

/** Parameters that are secrets. Declared per parameter, so a new template that takes one is sealed without a second list. */
const SECRET_PARAMS: readonly ParamName[] = ['code', 'notMeToken'];

function takesSecret(spec: ParamSpec): boolean {
  return [...spec.required, ...spec.optional].some((name) => SECRET_PARAMS.includes(name));
}

/**
 * The templates whose params are sealed to the notifier's public key in the outbox (DESIGN §1): those that take a
 * secret. Their items hold no readable params in the table or its stream.
 */
export const SEALED_TEMPLATES: readonly TemplateName[] = TEMPLATE_NAMES.filter((name) =>
  takesSecret(TEMPLATE_PARAMS[name]),
);

/** Whether an item of this template must be sealed. An unknown template counts as sealed: it cannot be vouched for. */
export function isSealedTemplate(template: string): boolean {
  return !isTemplateName(template) || SEALED_TEMPLATES.includes(template);
}

/**
 * Throws unless `params` are exactly what `template` takes (all required present, nothing unknown, all strings).
 * The outbox calls this when a message is queued, so a mistake fails the request that made it, not the notifier.
 */
export function checkTemplateParams(template: string, params: Record<string, unknown>): void {
  if (!isTemplateName(template)) throw new Error(`unknown notification template ${JSON.stringify(template)}`);
  const spec: ParamSpec = TEMPLATE_PARAMS[template];
  for (const name of Object.keys(params)) {
    if (!(spec.required as readonly string[]).includes(name) && !(spec.optional as readonly string[]).includes(name)) {
      throw new Error(`notification template ${template} does not take the parameter ${JSON.stringify(name)}`);
    }
    if (typeof params[name] !== 'string') {
      throw new Error(`notification template ${template}: parameter ${name} must be a string`);
    }
  }
  for (const name of spec.required) {
    if (!Object.hasOwn(params, name)) throw new Error(`notification template ${template} needs the parameter ${name}`);
  }
  for (const name of ['at', 'until'] as const) {
    const value = params[name];
    if (typeof value === 'string') formatTime(value);
  }
  const method = params.method;
  if (typeof method === 'string' && !(NOTICE_METHODS as readonly string[]).includes(method)) {
    throw new Error(`notification template ${template}: parameter method must be one of ${NOTICE_METHODS.join(', ')}`);
  }
  for (const name of ['code', 'minutes'] as const) {
    const value = params[name];
    if (typeof value === 'string' && !/^\d{1,10}$/.test(value)) {
      throw new Error(`notification template ${template}: parameter ${name} must be digits`);
    }
  }
  const token = params.notMeToken;
  if (typeof token === 'string' && !/^[A-Za-z0-9_-]{43}$/.test(token)) {
    throw new Error(`notification template ${template}: parameter notMeToken must be a token`);
  }
  const event = params.event;
  if (typeof event === 'string' && !isRepudiableTemplate(event)) {
    throw new Error(
      `notification template ${template}: parameter event must be one of ${REPUDIABLE_TEMPLATES.join(', ')}`,
    );
  }
}

/** Throws unless the channel fits the template: the alert template goes to the operators' topic only, and only it does. */
export function checkTemplateChannel(template: string, channel: OutboxChannel): void {
  if ((template === ALERT_TEMPLATE) !== (channel === 'alert')) {
    throw new Error(`notification template ${template} cannot go by channel ${channel}`);
  }
}

// C0/C1 controls (CR and LF among them), line/paragraph separators, zero-width and bidirectional formatting characters:
// none belongs in a name, and some could break a header or make text read differently than it is.
const UNSAFE = /[\p{Cc}\u2028\u2029\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;

const MAX_DISPLAY_NAME = 64;
const MAX_TEXT = 254;

/** Removes control and invisible formatting characters, collapses white space and caps the length (in code points). */
export function cleanText(value: string, maxLength = MAX_TEXT): string {
  const cleaned = value.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  const codePoints = Array.from(cleaned);
  return codePoints.length <= maxLength ? cleaned : `${codePoints.slice(0, maxLength - 1).join('')}…`;
}

/**
 * A directory value as it may appear in a message: cleaned, and with dots between letters or digits replaced by a
 * look-alike so mail clients do not turn a crafted displayName ("Call evil.example.com") into a link.
 */
export function sanitizeDirectoryValue(value: string, maxLength = MAX_DISPLAY_NAME): string {
  return cleanText(value, maxLength)
    .replace(/(?<=[\p{L}\p{N}])\.(?=[\p{L}\p{N}])/gu, '\u2024')
    .replace(/:\/\//g, ': //');
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** `2026-03-01T09:05:00.000Z` → `2026-03-01 09:05 UTC`: one unambiguous form for every language. */
function formatTime(iso: string): string {
  const ms = ISO_TIME.test(iso) ? Date.parse(iso) : Number.NaN;
  if (!Number.isFinite(ms)) throw new Error(`notification time is not an ISO 8601 time: ${JSON.stringify(iso)}`);
  const utc = new Date(ms).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC`;
}

function portalUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error('notification baseUrl is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('notification baseUrl must be http(s)');
  url.search = '';
  url.hash = '';
  return url.href;
}

/** The "This wasn't me" link of a token: the page's #/not-me route under the base URL (web/src/router.ts). */
export function notMeLink(baseUrl: string, token: string): string {
  const portal = portalUrl(baseUrl);
  return `${portal.endsWith('/') ? portal : `${portal}/`}#/not-me?token=${encodeURIComponent(token)}`;
}

/** The cleaned values a template may use. */
interface Values {
  displayName: string;
  at: string;
  until: string;
  sourceAddress: string | undefined;
  contact: string | undefined;
  code: string;
  minutes: string;
  /** The method in words of the message's language ('' for templates without one). */
  method: string;
}

interface TemplateText {
  subject: string;
  /** The e-mail's main sentence(s). */
  event(values: Values): string;
  /** The whole SMS before the helpdesk line: short, no link. */
  sms(values: Values): string;
  /** Replaces the usual "if this wasn't you" line. */
  closing?(helpdesk: string): string;
}

interface LanguageText {
  greeting(displayName: string): string;
  /** Appended to the event sentence when the source address is known; '' otherwise. */
  from(sourceAddress: string | undefined): string;
  notYou(helpdesk: string): string;
  smsNotYou(helpdesk: string): string;
  portal(url: string): string;
  /** The "This wasn't me" line of a notice that carries a link (replaces notYou). */
  notMe(link: string, helpdesk: string): string;
  /** A recovery method as the notices name it. */
  methods: Record<NoticeMethod, string>;
  templates: Record<UserTemplateName, TemplateText>;
}

const en: LanguageText = {
  greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
  from: (address) => (address ? ` (from address ${address})` : ''),
  notYou: (helpdesk) =>
    `If this was you, there is nothing more to do. If it wasn't you, contact ${helpdesk} right away.`,
  smsNotYou: (helpdesk) => `Not you? Contact ${helpdesk}.`,
  portal: (url) => `Password self-service: ${url}`,
  notMe: (link, helpdesk) =>
    "If this was you, there is nothing more to do. If it wasn't you, open this link and choose Report it: it blocks " +
    `self-service for your account and alerts IT (the link works once, for a few days):\n${link}\nThen contact ${helpdesk} right away.`,
  methods: { authenticator: 'An authenticator app', recoveryCodes: 'A set of recovery codes', passkey: 'A passkey' },
  templates: {
    enrolled: {
      subject: 'Your self-service security answers were saved',
      event: (v) => `Your security answers for password self-service were saved on ${v.at}${en.from(v.sourceAddress)}.`,
      sms: (v) => `Your password self-service answers were saved on ${v.at}.`,
    },
    'contacts-saved': {
      subject: 'Your password self-service contacts were saved',
      event: (v) =>
        `The e-mail address and mobile number for your password self-service were saved on ${v.at}${en.from(v.sourceAddress)}. ` +
        'A new one is used only after it has been confirmed.',
      sms: (v) => `Your password self-service contacts were saved on ${v.at}.`,
    },
    'contact-added': {
      subject: 'A contact was added to your password self-service',
      event: (v) =>
        `${v.contact ? `The contact ${v.contact}` : 'A new e-mail address or mobile number'} was added to your ` +
        `password self-service enrollment on ${v.at}${en.from(v.sourceAddress)}. ` +
        'Verification codes are sent to it only after it has been confirmed.',
      sms: (v) =>
        `${v.contact ? `The contact ${v.contact}` : 'A new contact'} was added to your password self-service on ${v.at}.`,
    },
    'password-reset': {
      subject: 'Your password was reset',
      event: (v) => `Your password was reset through password self-service on ${v.at}${en.from(v.sourceAddress)}.`,
      sms: (v) => `Your password was reset through self-service on ${v.at}.`,
    },
    'account-unlocked': {
      subject: 'Your account was unlocked',
      event: (v) => `Your account was unlocked through password self-service on ${v.at}${en.from(v.sourceAddress)}.`,
      sms: (v) => `Your account was unlocked through self-service on ${v.at}.`,
    },
    'password-changed': {
      subject: 'Your password was changed',
      event: (v) => `Your password was changed through password self-service on ${v.at}${en.from(v.sourceAddress)}.`,
      sms: (v) => `Your password was changed through self-service on ${v.at}.`,
    },
    'verification-code': {
      subject: 'Your verification code',
      event: (v) =>
        `Your verification code for password self-service is ${v.code}. It is valid for ${v.minutes} minutes.`,
      sms: (v) => `Your password self-service code is ${v.code} (valid ${v.minutes} min).`,
      closing: (helpdesk) =>
        `Never give this code to anyone. If you did not ask for it, someone may be trying to reset your password: contact ${helpdesk}.`,
    },
    'self-service-blocked': {
      subject: 'Password self-service is blocked for your account',
      event: (v) =>
        `After too many failed verification attempts, password self-service is blocked for your account until ${v.until}.`,
      sms: (v) => `Password self-service is blocked for your account until ${v.until}.`,
      closing: (helpdesk) =>
        `To reset your password or unlock your account before then, or if you did not try to, contact ${helpdesk}.`,
    },
    'enrollment-removed': {
      subject: 'Your password self-service enrollment was removed',
      event: (v) =>
        `Your helpdesk removed your password self-service enrollment (security answers and contacts) on ${v.at}. ` +
        'To use self-service again, enroll again on the page below.',
      sms: (v) => `Your password self-service enrollment was removed by the helpdesk on ${v.at}.`,
      closing: (helpdesk) => `If you did not ask for this, contact ${helpdesk}.`,
    },
    'method-added': {
      subject: 'A recovery method was added to your password self-service',
      event: (v) =>
        `${v.method} was added to your password self-service on ${v.at}${en.from(v.sourceAddress)}. ` +
        'It can now be used to reset your password or unlock your account.',
      sms: (v) => `${v.method} was added to your password self-service on ${v.at}.`,
    },
    'method-removed': {
      subject: 'A recovery method was removed from your password self-service',
      event: (v) => `${v.method} was removed from your password self-service on ${v.at}${en.from(v.sourceAddress)}.`,
      sms: (v) => `${v.method} was removed from your password self-service on ${v.at}.`,
    },
  },
};

const de: LanguageText = {
  greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
  from: (address) => (address ? ` (von der Adresse ${address})` : ''),
  notYou: (helpdesk) =>
    `Wenn Sie das waren, ist nichts weiter zu tun. Wenn nicht, wenden Sie sich bitte sofort an ${helpdesk}.`,
  smsNotYou: (helpdesk) => `Nicht Sie? Wenden Sie sich an ${helpdesk}.`,
  portal: (url) => `Kennwort-Selbstbedienung: ${url}`,
  notMe: (link, helpdesk) =>
    'Wenn Sie das waren, ist nichts weiter zu tun. Wenn nicht, öffnen Sie diesen Link und wählen Sie „Melden“: Das ' +
    `sperrt die Selbstbedienung für Ihr Konto und alarmiert die IT (der Link gilt einmal, für einige Tage):\n${link}\nWenden Sie sich dann sofort an ${helpdesk}.`,
  methods: {
    authenticator: 'Eine Authenticator-App',
    recoveryCodes: 'Ein Satz Wiederherstellungscodes',
    passkey: 'Ein Passkey',
  },
  templates: {
    enrolled: {
      subject: 'Ihre Sicherheitsantworten wurden gespeichert',
      event: (v) =>
        `Ihre Sicherheitsantworten für die Kennwort-Selbstbedienung wurden am ${v.at}${de.from(v.sourceAddress)} gespeichert.`,
      sms: (v) => `Ihre Antworten für die Kennwort-Selbstbedienung wurden am ${v.at} gespeichert.`,
    },
    'contacts-saved': {
      subject: 'Ihre Kontakte für die Kennwort-Selbstbedienung wurden gespeichert',
      event: (v) =>
        `Die E-Mail-Adresse und Mobilnummer für Ihre Kennwort-Selbstbedienung wurden am ${v.at}${de.from(v.sourceAddress)} gespeichert. ` +
        'Ein neuer Kontakt wird erst verwendet, wenn er bestätigt ist.',
      sms: (v) => `Ihre Kontakte für die Kennwort-Selbstbedienung wurden am ${v.at} gespeichert.`,
    },
    'contact-added': {
      subject: 'Ein Kontakt wurde zu Ihrer Kennwort-Selbstbedienung hinzugefügt',
      event: (v) =>
        `${v.contact ? `Der Kontakt ${v.contact}` : 'Eine neue E-Mail-Adresse oder Mobilnummer'} wurde am ${v.at}` +
        `${de.from(v.sourceAddress)} zu Ihrer Registrierung für die Kennwort-Selbstbedienung hinzugefügt. ` +
        'Bestätigungscodes werden erst dorthin gesendet, wenn der Kontakt bestätigt ist.',
      sms: (v) =>
        `${v.contact ? `Der Kontakt ${v.contact}` : 'Ein neuer Kontakt'} wurde am ${v.at} zu Ihrer Kennwort-Selbstbedienung hinzugefügt.`,
    },
    'password-reset': {
      subject: 'Ihr Kennwort wurde zurückgesetzt',
      event: (v) =>
        `Ihr Kennwort wurde am ${v.at}${de.from(v.sourceAddress)} über die Kennwort-Selbstbedienung zurückgesetzt.`,
      sms: (v) => `Ihr Kennwort wurde am ${v.at} über die Selbstbedienung zurückgesetzt.`,
    },
    'account-unlocked': {
      subject: 'Ihr Konto wurde entsperrt',
      event: (v) =>
        `Ihr Konto wurde am ${v.at}${de.from(v.sourceAddress)} über die Kennwort-Selbstbedienung entsperrt.`,
      sms: (v) => `Ihr Konto wurde am ${v.at} über die Selbstbedienung entsperrt.`,
    },
    'password-changed': {
      subject: 'Ihr Kennwort wurde geändert',
      event: (v) =>
        `Ihr Kennwort wurde am ${v.at}${de.from(v.sourceAddress)} über die Kennwort-Selbstbedienung geändert.`,
      sms: (v) => `Ihr Kennwort wurde am ${v.at} über die Selbstbedienung geändert.`,
    },
    'verification-code': {
      subject: 'Ihr Bestätigungscode',
      event: (v) =>
        `Ihr Bestätigungscode für die Kennwort-Selbstbedienung lautet ${v.code}. Er ist ${v.minutes} Minuten gültig.`,
      sms: (v) => `Ihr Code für die Kennwort-Selbstbedienung: ${v.code} (${v.minutes} Min. gültig).`,
      closing: (helpdesk) =>
        `Geben Sie diesen Code niemandem weiter. Haben Sie ihn nicht angefordert, versucht vielleicht jemand, Ihr Kennwort zurückzusetzen: wenden Sie sich an ${helpdesk}.`,
    },
    'self-service-blocked': {
      subject: 'Die Kennwort-Selbstbedienung ist für Ihr Konto gesperrt',
      event: (v) =>
        `Nach zu vielen fehlgeschlagenen Bestätigungsversuchen ist die Kennwort-Selbstbedienung für Ihr Konto bis ${v.until} gesperrt.`,
      sms: (v) => `Die Kennwort-Selbstbedienung ist für Ihr Konto bis ${v.until} gesperrt.`,
      closing: (helpdesk) =>
        `Um Ihr Kennwort vorher zurückzusetzen oder Ihr Konto zu entsperren, oder wenn Sie es nicht versucht haben, wenden Sie sich bitte an ${helpdesk}.`,
    },
    'enrollment-removed': {
      subject: 'Ihre Registrierung für die Kennwort-Selbstbedienung wurde entfernt',
      event: (v) =>
        `Ihr IT-Service hat am ${v.at} Ihre Registrierung für die Kennwort-Selbstbedienung (Sicherheitsantworten und ` +
        'Kontakte) entfernt. Um die Selbstbedienung wieder zu nutzen, registrieren Sie sich erneut auf der unten genannten Seite.',
      sms: (v) => `Ihre Registrierung für die Kennwort-Selbstbedienung wurde am ${v.at} vom IT-Service entfernt.`,
      closing: (helpdesk) => `Wenn Sie das nicht veranlasst haben, wenden Sie sich bitte an ${helpdesk}.`,
    },
    'method-added': {
      subject: 'Eine Wiederherstellungsmethode wurde zu Ihrer Kennwort-Selbstbedienung hinzugefügt',
      event: (v) =>
        `${v.method} wurde am ${v.at}${de.from(v.sourceAddress)} zu Ihrer Kennwort-Selbstbedienung hinzugefügt. ` +
        'Damit können Sie jetzt Ihr Kennwort zurücksetzen oder Ihr Konto entsperren.',
      sms: (v) => `${v.method} wurde am ${v.at} zu Ihrer Kennwort-Selbstbedienung hinzugefügt.`,
    },
    'method-removed': {
      subject: 'Eine Wiederherstellungsmethode wurde aus Ihrer Kennwort-Selbstbedienung entfernt',
      event: (v) =>
        `${v.method} wurde am ${v.at}${de.from(v.sourceAddress)} aus Ihrer Kennwort-Selbstbedienung entfernt.`,
      sms: (v) => `${v.method} wurde am ${v.at} aus Ihrer Kennwort-Selbstbedienung entfernt.`,
    },
  },
};

const fr: LanguageText = {
  greeting: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
  from: (address) => (address ? ` (depuis l’adresse ${address})` : ''),
  notYou: (helpdesk) =>
    `Si c’était vous, vous n’avez rien d’autre à faire. Sinon, contactez immédiatement ${helpdesk}.`,
  smsNotYou: (helpdesk) => `Pas vous ? Contactez ${helpdesk}.`,
  portal: (url) => `Libre-service mot de passe : ${url}`,
  notMe: (link, helpdesk) =>
    'Si c’était vous, vous n’avez rien d’autre à faire. Sinon, ouvrez ce lien et choisissez « Signaler » : cela bloque ' +
    `le libre-service pour votre compte et alerte l’informatique (le lien ne sert qu’une fois, pendant quelques jours) :\n${link}\nPuis contactez immédiatement ${helpdesk}.`,
  methods: {
    authenticator: 'Une application d’authentification',
    recoveryCodes: 'Une série de codes de récupération',
    passkey: 'Une clé d’accès',
  },
  templates: {
    enrolled: {
      subject: 'Vos réponses de sécurité ont été enregistrées',
      event: (v) =>
        `Vos réponses de sécurité pour le libre-service mot de passe ont été enregistrées le ${v.at}${fr.from(v.sourceAddress)}.`,
      sms: (v) => `Vos réponses du libre-service mot de passe ont été enregistrées le ${v.at}.`,
    },
    'contacts-saved': {
      subject: 'Vos contacts du libre-service mot de passe ont été enregistrés',
      event: (v) =>
        `L’adresse e-mail et le numéro de mobile de votre libre-service mot de passe ont été enregistrés le ${v.at}${fr.from(v.sourceAddress)}. ` +
        'Un nouveau contact n’est utilisé qu’une fois confirmé.',
      sms: (v) => `Vos contacts du libre-service mot de passe ont été enregistrés le ${v.at}.`,
    },
    'contact-added': {
      subject: 'Un contact a été ajouté à votre libre-service mot de passe',
      event: (v) =>
        `${v.contact ? `Le contact ${v.contact}` : 'Une nouvelle adresse e-mail ou un nouveau numéro de mobile'} a été ` +
        `ajouté à votre inscription au libre-service mot de passe le ${v.at}${fr.from(v.sourceAddress)}. ` +
        'Les codes de vérification n’y seront envoyés qu’une fois le contact confirmé.',
      sms: (v) =>
        `${v.contact ? `Le contact ${v.contact}` : 'Un nouveau contact'} a été ajouté à votre libre-service mot de passe le ${v.at}.`,
    },
    'password-reset': {
      subject: 'Votre mot de passe a été réinitialisé',
      event: (v) => `Votre mot de passe a été réinitialisé via le libre-service le ${v.at}${fr.from(v.sourceAddress)}.`,
      sms: (v) => `Votre mot de passe a été réinitialisé via le libre-service le ${v.at}.`,
    },
    'account-unlocked': {
      subject: 'Votre compte a été déverrouillé',
      event: (v) => `Votre compte a été déverrouillé via le libre-service le ${v.at}${fr.from(v.sourceAddress)}.`,
      sms: (v) => `Votre compte a été déverrouillé via le libre-service le ${v.at}.`,
    },
    'password-changed': {
      subject: 'Votre mot de passe a été modifié',
      event: (v) => `Votre mot de passe a été modifié via le libre-service le ${v.at}${fr.from(v.sourceAddress)}.`,
      sms: (v) => `Votre mot de passe a été modifié via le libre-service le ${v.at}.`,
    },
    'verification-code': {
      subject: 'Votre code de vérification',
      event: (v) =>
        `Votre code de vérification pour le libre-service est ${v.code}. Il est valable ${v.minutes} minutes.`,
      sms: (v) => `Votre code libre-service : ${v.code} (valable ${v.minutes} min).`,
      closing: (helpdesk) =>
        `Ne communiquez jamais ce code. Si vous ne l’avez pas demandé, quelqu’un essaie peut-être de réinitialiser votre mot de passe : contactez ${helpdesk}.`,
    },
    'self-service-blocked': {
      subject: 'Le libre-service mot de passe est bloqué pour votre compte',
      event: (v) =>
        `Après trop de tentatives de vérification échouées, le libre-service mot de passe est bloqué pour votre compte jusqu’au ${v.until}.`,
      sms: (v) => `Le libre-service mot de passe est bloqué pour votre compte jusqu’au ${v.until}.`,
      closing: (helpdesk) =>
        `Pour réinitialiser votre mot de passe ou déverrouiller votre compte avant cette date, ou si ce n’était pas vous, contactez ${helpdesk}.`,
    },
    'enrollment-removed': {
      subject: 'Votre inscription au libre-service mot de passe a été supprimée',
      event: (v) =>
        `Votre support informatique a supprimé votre inscription au libre-service mot de passe (réponses de sécurité et ` +
        `contacts) le ${v.at}. Pour utiliser à nouveau le libre-service, inscrivez-vous de nouveau sur la page ci-dessous.`,
      sms: (v) => `Votre inscription au libre-service mot de passe a été supprimée par le support le ${v.at}.`,
      closing: (helpdesk) => `Si vous n’avez pas demandé cela, contactez ${helpdesk}.`,
    },
    'method-added': {
      subject: 'Une méthode de récupération a été ajoutée à votre libre-service mot de passe',
      event: (v) =>
        `${v.method} a été ajoutée à votre libre-service mot de passe le ${v.at}${fr.from(v.sourceAddress)}. ` +
        'Elle permet désormais de réinitialiser votre mot de passe ou de déverrouiller votre compte.',
      sms: (v) => `${v.method} a été ajoutée à votre libre-service mot de passe le ${v.at}.`,
    },
    'method-removed': {
      subject: 'Une méthode de récupération a été retirée de votre libre-service mot de passe',
      event: (v) =>
        `${v.method} a été retirée de votre libre-service mot de passe le ${v.at}${fr.from(v.sourceAddress)}.`,
      sms: (v) => `${v.method} a été retirée de votre libre-service mot de passe le ${v.at}.`,
    },
  },
};

const texts: Record<Language, LanguageText> = { en, de, fr };

function optional(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const cleaned = cleanText(value);
  return cleaned === '' ? undefined : cleaned;
}

/** Renders an outbox item in its stored language. Throws for an unknown template or parameters it does not take. */
export function renderMessage(item: OutboxItem, context: NotificationContext): RenderedMessage {
  checkTemplateParams(item.template, item.params);
  checkTemplateChannel(item.template, item.channel);
  if (item.template === ALERT_TEMPLATE) return renderAlert(item);
  const template = item.template as UserTemplateName;
  const language = texts[item.language] ?? en;
  const text = language.templates[template];
  const values: Values = {
    displayName: sanitizeDirectoryValue(item.params.displayName ?? ''),
    at: item.params.at === undefined ? '' : formatTime(item.params.at),
    until: item.params.until === undefined ? '' : formatTime(item.params.until),
    sourceAddress: optional(item.params.sourceAddress),
    contact: optional(item.params.contact),
    code: item.params.code ?? '',
    minutes: item.params.minutes ?? '',
    method: item.params.method === undefined ? '' : language.methods[item.params.method as NoticeMethod],
  };
  const helpdesk = cleanText(context.helpdeskContact, 200);
  const portal = portalUrl(context.baseUrl);

  if (item.channel === 'sms') {
    return { channel: 'sms', to: item.to, body: `${text.sms(values)} ${language.smsNotYou(helpdesk)}` };
  }
  const token = item.params.notMeToken;
  const body = [
    language.greeting(values.displayName),
    '',
    text.event(values),
    '',
    token !== undefined
      ? language.notMe(notMeLink(context.baseUrl, token), helpdesk)
      : text.closing
        ? text.closing(helpdesk)
        : language.notYou(helpdesk),
    '',
    language.portal(portal),
    '',
  ].join('\n');
  return { channel: 'email', to: item.to, subject: text.subject, body };
}

/**
 * The operators' alert (channel alert, in English: it goes to the alarm topic): who reported which event, when and from
 * where. Never the token: the item does not carry it.
 */
function renderAlert(item: OutboxItem): RenderedMessage {
  const subject = cleanText(item.params.subject ?? '', 64);
  const event = cleanText(item.params.event ?? '', 64);
  const at = formatTime(item.params.at ?? '');
  const sourceAddress = cleanText(item.params.sourceAddress ?? '', 64);
  const body = [
    `The user ${subject} reported a ${event} notice as not theirs ("This wasn't me") on ${at}, from address ${sourceAddress}.`,
    `Self-service is blocked for ${subject} and their open flows were ended.`,
    'Check the account now: who changed what (npx sspr audit), whether its password or recovery methods must be reset',
    'by the helpdesk, and lift the block when it is safe (npx sspr unblock).',
    '',
  ].join('\n');
  return { channel: 'alert', to: item.to, subject: `SSPR: ${subject} reported ${event} as not theirs`, body };
}
