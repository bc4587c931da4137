/**
 * The catalog of security questions (DESIGN §4 Enrollment). Ids are stored with every enrollment, so they never
 * change; texts may be reworded freely. Also imported by the web page, so no node: imports here.
 */
import type { Language } from './language.js';

export interface Question {
  id: string;
  text: Record<Language, string>;
}

// Order matters: the local stack enrolls the demo user ivan with the first three.
export const QUESTION_CATALOG: readonly Question[] = Object.freeze([
  {
    id: 'first-pet-name',
    text: {
      en: 'What was the name of your first pet?',
      de: 'Wie hieß Ihr erstes Haustier?',
      fr: 'Quel était le nom de votre premier animal de compagnie ?',
    },
  },
  {
    id: 'birth-city',
    text: {
      en: 'In which city were you born?',
      de: 'In welcher Stadt wurden Sie geboren?',
      fr: 'Quelle est votre ville de naissance ?',
    },
  },
  {
    id: 'first-school',
    text: {
      en: 'What was the name of your first school?',
      de: 'Wie hieß Ihre erste Schule?',
      fr: 'Comment s’appelait votre première école ?',
    },
  },
  {
    id: 'childhood-best-friend',
    text: {
      en: 'What was the first name of your best friend as a child?',
      de: 'Wie hieß Ihr bester Freund oder Ihre beste Freundin in der Kindheit mit Vornamen?',
      fr: 'Quel était le prénom de votre meilleur ami ou meilleure amie d’enfance ?',
    },
  },
  {
    id: 'first-car',
    text: {
      en: 'What was the make and model of your first car?',
      de: 'Welche Marke und welches Modell hatte Ihr erstes Auto?',
      fr: 'Quels étaient la marque et le modèle de votre première voiture ?',
    },
  },
  {
    id: 'mother-birthplace',
    text: {
      en: 'In which town was your mother born?',
      de: 'In welchem Ort wurde Ihre Mutter geboren?',
      fr: 'Dans quelle ville votre mère est-elle née ?',
    },
  },
  {
    id: 'first-employer',
    text: {
      en: 'What was the name of your first employer?',
      de: 'Wie hieß Ihr erster Arbeitgeber?',
      fr: 'Quel était le nom de votre premier employeur ?',
    },
  },
  {
    id: 'favorite-teacher',
    text: {
      en: 'What was the last name of your favorite teacher?',
      de: 'Wie lautete der Nachname Ihrer Lieblingslehrerin oder Ihres Lieblingslehrers?',
      fr: 'Quel était le nom de famille de votre enseignant préféré ?',
    },
  },
  {
    id: 'parents-meeting-city',
    text: {
      en: 'In which city did your parents meet?',
      de: 'In welcher Stadt haben sich Ihre Eltern kennengelernt?',
      fr: 'Dans quelle ville vos parents se sont-ils rencontrés ?',
    },
  },
  {
    id: 'childhood-street',
    text: {
      en: 'What was the name of the street you grew up on?',
      de: 'In welcher Straße sind Sie aufgewachsen?',
      fr: 'Dans quelle rue avez-vous grandi ?',
    },
  },
]);

const byId = new Map(QUESTION_CATALOG.map((question) => [question.id, question]));

export function findQuestion(id: string): Question | undefined {
  return byId.get(id);
}

/** The catalog as GET /api/config shows it: one language, catalog order. */
export function questionsFor(language: Language): { id: string; text: string }[] {
  return QUESTION_CATALOG.map((question) => ({ id: question.id, text: question.text[language] }));
}
