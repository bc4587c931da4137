/** The password policy as the API shows it (DESIGN §3 `passwordPolicy`), with its rules as sentences. */
import type { DirectoryPolicy } from './directory.js';
import type { Language } from './language.js';

/** AD accepts passwords up to 256 characters; longer ones cannot be typed at a Windows logon anyway. */
export const MAX_PASSWORD_LENGTH = 256;

export interface PasswordPolicyView {
  minLength: number;
  maxLength: number;
  complexity: boolean;
  historyLength: number;
  minAgeDays: number;
  rules: string[];
}

const sentences: Record<Language, Record<string, (n: number) => string>> = {
  en: {
    minLength: (n) => `At least ${n} characters.`,
    maxLength: (n) => `At most ${n} characters.`,
    complexity: () =>
      'Characters from at least 3 of these groups: capital letters, small letters, digits, symbols, other letters.',
    name: () => 'Must not contain your username or parts of your full name.',
    history: (n) => `Must differ from your last ${n} passwords.`,
    minAge: (n) => `Can be changed again after ${n} day(s).`,
  },
  de: {
    minLength: (n) => `Mindestens ${n} Zeichen.`,
    maxLength: (n) => `Höchstens ${n} Zeichen.`,
    complexity: () =>
      'Zeichen aus mindestens 3 dieser Gruppen: Großbuchstaben, Kleinbuchstaben, Ziffern, Sonderzeichen, andere Buchstaben.',
    name: () => 'Darf Ihren Benutzernamen oder Teile Ihres vollständigen Namens nicht enthalten.',
    history: (n) => `Muss sich von Ihren letzten ${n} Kennwörtern unterscheiden.`,
    minAge: (n) => `Kann nach ${n} Tag(en) wieder geändert werden.`,
  },
  fr: {
    minLength: (n) => `Au moins ${n} caractères.`,
    maxLength: (n) => `Au plus ${n} caractères.`,
    complexity: () =>
      'Des caractères d’au moins 3 de ces groupes : majuscules, minuscules, chiffres, symboles, autres lettres.',
    name: () => 'Ne doit contenir ni votre nom d’utilisateur ni des parties de votre nom complet.',
    history: (n) => `Doit être différent de vos ${n} derniers mots de passe.`,
    minAge: (n) => `Peut être changé de nouveau après ${n} jour(s).`,
  },
};

export function describePolicy(policy: DirectoryPolicy, language: Language): PasswordPolicyView {
  const say = sentences[language];
  const minAgeDays = Math.ceil(policy.minAgeSeconds / 86_400);
  const rules = [say.minLength?.(policy.minLength), say.maxLength?.(MAX_PASSWORD_LENGTH)];
  if (policy.complexity) rules.push(say.complexity?.(0), say.name?.(0));
  if (policy.historyLength > 0) rules.push(say.history?.(policy.historyLength));
  if (minAgeDays > 0) rules.push(say.minAge?.(minAgeDays));
  return {
    minLength: policy.minLength,
    maxLength: MAX_PASSWORD_LENGTH,
    complexity: policy.complexity,
    historyLength: policy.historyLength,
    minAgeDays,
    rules: rules.filter((rule): rule is string => typeof rule === 'string'),
  };
}
