/**
 * Security answers: how they are normalized before hashing and comparing, and the rules an enrolled answer must meet
 * (DESIGN §3 pinned details, §4 Enrollment). The web page imports this file to check answers as the user types, so it
 * must stay free of node: imports.
 */
import type { FieldProblem } from './errors.js';
import { findQuestion, QUESTION_CATALOG } from './questions.js';

/**
 * Stored with every answer hash. Raise it whenever normalizeAnswer changes, since hashes made under one version never
 * match answers normalized under another.
 */
export const NORMALIZATION_VERSION = 1;

/** NFKC, trim, inner white space collapsed to one space, lower-cased. */
export function normalizeAnswer(raw: string): string {
  // NFKC first: it turns NBSP, full-width spaces and the like into plain characters the later steps understand.
  // toLowerCase (not toLocaleLowerCase) so the same answer hashes alike on every server and browser.
  return raw.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Length in code points, so an emoji or any astral character counts once (String.length counts UTF-16 units). */
export function codePointLength(s: string): number {
  let length = 0;
  for (const _ of s) length++;
  return length;
}

export interface AnswerRules {
  questionsRequired: number;
  answerMinLength: number;
  answerMaxLength: number;
}

// '…' and full-width marks are already plain ASCII after NFKC; they are listed for text that skipped it.
const TRAILING_PUNCTUATION = /[\s?!.¿¡؟:;…‽？！。]+$/u;

function withoutTrailingPunctuation(normalized: string): string {
  return normalized.replace(TRAILING_PUNCTUATION, '');
}

// Every text of every language: an answer that is any question is as guessable as the one it answers.
const QUESTION_TEXTS: ReadonlySet<string> = new Set(
  QUESTION_CATALOG.flatMap((question) =>
    Object.values(question.text).map((text) => withoutTrailingPunctuation(normalizeAnswer(text))),
  ),
);

function isOneCharacterRepeated(normalized: string): boolean {
  const characters = [...normalized.replaceAll(' ', '')];
  // A single character is not "repeated"; only answerMinLength can refuse it.
  return characters.length > 1 && characters.every((c) => c === characters[0]);
}

/**
 * One answer's own rules, first problem only. `questionId` names the question being answered; the question-text rule
 * compares against the whole catalog, so it is not needed for that today but keeps the call sites stable.
 */
export function checkAnswer(answer: string, _questionId: string, rules: AnswerRules): FieldProblem | null {
  const normalized = normalizeAnswer(answer);
  if (normalized === '') return { message: 'answer.required' };
  const length = codePointLength(normalized);
  if (length < rules.answerMinLength) return { message: 'answer.tooShort', params: { min: rules.answerMinLength } };
  if (length > rules.answerMaxLength) return { message: 'answer.tooLong', params: { max: rules.answerMaxLength } };
  if (isOneCharacterRepeated(normalized)) return { message: 'answer.repeatedCharacter' };
  if (QUESTION_TEXTS.has(withoutTrailingPunctuation(normalized))) return { message: 'answer.isQuestion' };
  return null;
}

/**
 * The whole set of answers of one enrollment. Keys are the field paths of DESIGN §3 (`answers.N.questionId`,
 * `answers.N.answer`, 0-based); an empty record means all is well. A duplicate always names the later field.
 */
export function checkAnswers(
  answers: { questionId: string; answer: string }[],
  rules: AnswerRules,
): Record<string, FieldProblem> {
  const problems: Record<string, FieldProblem> = {};
  if (answers.length !== rules.questionsRequired) {
    problems.answers = { message: 'answers.count', params: { count: rules.questionsRequired } };
  }

  const seenQuestions = new Set<string>();
  const seenAnswers = new Set<string>();
  for (const [index, { questionId, answer }] of answers.entries()) {
    if (!findQuestion(questionId)) {
      problems[`answers.${index}.questionId`] = { message: 'question.unknown' };
    } else if (seenQuestions.has(questionId)) {
      problems[`answers.${index}.questionId`] = { message: 'question.duplicate' };
    }
    seenQuestions.add(questionId);

    const normalized = normalizeAnswer(answer);
    const own = checkAnswer(answer, questionId, rules);
    if (own) {
      problems[`answers.${index}.answer`] = own;
    } else if (seenAnswers.has(normalized)) {
      problems[`answers.${index}.answer`] = { message: 'answer.duplicate' };
    }
    if (normalized !== '') seenAnswers.add(normalized);
  }
  return problems;
}
