import { describe, expect, it } from 'vitest';
import {
  type AnswerRules,
  checkAnswer,
  checkAnswers,
  codePointLength,
  NORMALIZATION_VERSION,
  normalizeAnswer,
} from '../../functions/core/answers.js';
import { LANGUAGES } from '../../functions/core/language.js';
import { messageKeys } from '../../functions/core/messages.js';
import { QUESTION_CATALOG } from '../../functions/core/questions.js';

const rules: AnswerRules = { questionsRequired: 3, answerMinLength: 4, answerMaxLength: 128 };
const Q = 'first-pet-name';

function problem(answer: string, r: AnswerRules = rules): string | undefined {
  return checkAnswer(answer, Q, r)?.message;
}

describe('normalizeAnswer', () => {
  it('is version 1', () => {
    expect(NORMALIZATION_VERSION).toBe(1);
  });

  it('applies NFKC', () => {
    expect(normalizeAnswer('Ｆｉｄｏ')).toBe('fido');
    expect(normalizeAnswer('ﬁdo')).toBe('fido');
    expect(normalizeAnswer('①②')).toBe('12');
    // Composed and decomposed forms of the same letter hash alike.
    expect(normalizeAnswer('Mu\u0308nchen')).toBe(normalizeAnswer('M\u00fcnchen'));
  });

  it('trims', () => {
    expect(normalizeAnswer('  fido \n')).toBe('fido');
    expect(normalizeAnswer('\u00a0\u3000fido\u202f')).toBe('fido');
  });

  it('collapses inner white space to one space', () => {
    expect(normalizeAnswer('big   red\tdog')).toBe('big red dog');
    expect(normalizeAnswer('big\u00a0\u00a0red\n\r\ndog')).toBe('big red dog');
    expect(normalizeAnswer('big\u3000red')).toBe('big red');
  });

  it('lower-cases', () => {
    expect(normalizeAnswer('FIDO the Dog')).toBe('fido the dog');
    expect(normalizeAnswer('ÄRGER')).toBe('ärger');
    // Locale-independent: a Turkish locale would make this a dotless ı.
    expect(normalizeAnswer('I')).toBe('i');
  });

  it('leaves a normalized answer as it is', () => {
    const once = normalizeAnswer('  Ｂｉｇ\u00a0 Red\tDog ');
    expect(normalizeAnswer(once)).toBe(once);
  });
});

describe('codePointLength', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('abc')).toBe(3);
    expect('😀😀😀'.length).toBe(6);
    expect(codePointLength('😀😀😀')).toBe(3);
    expect(codePointLength('𝔸b')).toBe(2);
  });
});

describe('checkAnswer', () => {
  it('requires an answer', () => {
    expect(problem('')).toBe('answer.required');
    expect(problem(' \t\u00a0 ')).toBe('answer.required');
    expect(problem('fido')).toBeUndefined();
  });

  it('refuses answers shorter than the minimum, counting code points of the normalized answer', () => {
    expect(checkAnswer('abc', Q, rules)).toEqual({ message: 'answer.tooShort', params: { min: 4 } });
    expect(problem('  a     b  ')).toBe('answer.tooShort');
    expect(problem('😀😀😀')).toBe('answer.tooShort');
    expect(problem('😀😀😀🎉')).toBeUndefined();
    expect(problem('abcd')).toBeUndefined();
    expect(problem('ab c')).toBeUndefined();
  });

  it('counts an emoji answer of 4 code points as long enough', () => {
    expect(problem('😀😀😀😀')).not.toBe('answer.tooShort');
  });

  it('refuses answers longer than the maximum', () => {
    expect(checkAnswer(`${'ab'.repeat(64)}c`, Q, rules)).toEqual({ message: 'answer.tooLong', params: { max: 128 } });
    expect(problem('ab'.repeat(64))).toBeUndefined();
    expect(problem('😀😁'.repeat(64))).toBeUndefined();
    expect(problem(`${'😀😁'.repeat(64)}x`)).toBe('answer.tooLong');
  });

  it('uses the configured limits', () => {
    const strict: AnswerRules = { questionsRequired: 3, answerMinLength: 6, answerMaxLength: 8 };
    expect(checkAnswer('fido', Q, strict)).toEqual({ message: 'answer.tooShort', params: { min: 6 } });
    expect(checkAnswer('fidofidof', Q, strict)).toEqual({ message: 'answer.tooLong', params: { max: 8 } });
    expect(checkAnswer('fidofi', Q, strict)).toBeNull();
  });

  it('refuses one character repeated, ignoring spaces and case', () => {
    expect(problem('aaaa')).toBe('answer.repeatedCharacter');
    expect(problem('a a a a')).toBe('answer.repeatedCharacter');
    expect(problem('AaAa')).toBe('answer.repeatedCharacter');
    expect(problem('😀😀😀😀')).toBe('answer.repeatedCharacter');
    expect(problem('aaab')).toBeUndefined();
    expect(problem('a a a b')).toBeUndefined();
  });

  it('does not call a single character repeated', () => {
    expect(checkAnswer('x', Q, { questionsRequired: 3, answerMinLength: 1, answerMaxLength: 8 })).toBeNull();
  });

  it('refuses the question itself, in any language, for any question', () => {
    expect(problem('What was the name of your first pet?')).toBe('answer.isQuestion');
    // The German text of another question.
    expect(problem('In welcher Stadt wurden Sie geboren?')).toBe('answer.isQuestion');
    expect(problem('in welcher stadt wurden sie geboren')).toBe('answer.isQuestion');
    expect(problem('IN WELCHER STADT WURDEN SIE GEBOREN ??')).toBe('answer.isQuestion');
    expect(problem('  In welcher  Stadt wurden Sie geboren!')).toBe('answer.isQuestion');
    expect(problem('In welcher Stadt wurden Sie geboren？')).toBe('answer.isQuestion');
    expect(problem('In welcher Stadt wurden Sie geboren…')).toBe('answer.isQuestion');
    // French, with and without the space before the question mark.
    expect(problem('Quelle est votre ville de naissance ?')).toBe('answer.isQuestion');
    expect(problem('Quelle est votre ville de naissance?')).toBe('answer.isQuestion');
    expect(problem('quelle est votre ville de naissance')).toBe('answer.isQuestion');
    expect(problem('Quelle est votre ville de naissance\u202f?')).toBe('answer.isQuestion');
  });

  it('accepts an answer that only resembles a question', () => {
    expect(problem('In welcher Stadt wurden Sie geboren? Berlin')).toBeUndefined();
    expect(problem('In welcher Stadt')).toBeUndefined();
    expect(problem('What was the name of your first pet, Fido?')).toBeUndefined();
  });

  it('refuses every text of the catalog', () => {
    for (const question of QUESTION_CATALOG) {
      for (const language of LANGUAGES) {
        expect(problem(question.text[language]), `${question.id}/${language}`).toBe('answer.isQuestion');
      }
    }
  });

  it('reports the first problem only, in rule order', () => {
    expect(problem('aaa')).toBe('answer.tooShort');
    expect(problem('a'.repeat(129))).toBe('answer.tooLong');
  });
});

function answers(...values: [string, string][]): { questionId: string; answer: string }[] {
  return values.map(([questionId, answer]) => ({ questionId, answer }));
}

describe('checkAnswers', () => {
  const good = answers(['first-pet-name', 'Fido'], ['birth-city', 'Springfield'], ['first-school', 'Elm Street']);

  it('accepts a good set', () => {
    expect(checkAnswers(good, rules)).toEqual({});
  });

  it('refuses the wrong number of answers', () => {
    expect(checkAnswers(good.slice(0, 2), rules)).toEqual({
      answers: { message: 'answers.count', params: { count: 3 } },
    });
    expect(checkAnswers([...good, { questionId: 'first-car', answer: 'Beetle' }], rules)).toEqual({
      answers: { message: 'answers.count', params: { count: 3 } },
    });
    expect(checkAnswers([], rules)).toEqual({ answers: { message: 'answers.count', params: { count: 3 } } });
    expect(checkAnswers(good.slice(0, 2), { ...rules, questionsRequired: 2 })).toEqual({});
  });

  it('refuses unknown question ids', () => {
    const set = answers(['first-pet-name', 'Fido'], ['no-such-question', 'Springfield'], ['first-school', 'Elm']);
    expect(checkAnswers(set, rules)).toEqual({
      'answers.1.questionId': { message: 'question.unknown' },
      'answers.2.answer': { message: 'answer.tooShort', params: { min: 4 } },
    });
  });

  it('names the later of two equal question ids', () => {
    const set = answers(['birth-city', 'Fido'], ['first-school', 'Springfield'], ['birth-city', 'Elm Street']);
    expect(checkAnswers(set, rules)).toEqual({ 'answers.2.questionId': { message: 'question.duplicate' } });
  });

  it('checks each answer under its own field', () => {
    const set = answers(
      ['first-pet-name', ''],
      ['birth-city', 'aaaa'],
      ['first-school', 'What was the name of your first pet'],
    );
    expect(checkAnswers(set, rules)).toEqual({
      'answers.0.answer': { message: 'answer.required' },
      'answers.1.answer': { message: 'answer.repeatedCharacter' },
      'answers.2.answer': { message: 'answer.isQuestion' },
    });
  });

  it('names the later of two answers equal after normalization', () => {
    const set = answers(['first-pet-name', 'Fido'], ['birth-city', 'Springfield'], ['first-school', '  FIDO ']);
    expect(checkAnswers(set, rules)).toEqual({ 'answers.2.answer': { message: 'answer.duplicate' } });
    const three = answers(['first-pet-name', 'Fido'], ['birth-city', 'ｆｉｄｏ'], ['first-school', 'fido']);
    expect(checkAnswers(three, rules)).toEqual({
      'answers.1.answer': { message: 'answer.duplicate' },
      'answers.2.answer': { message: 'answer.duplicate' },
    });
  });

  it("keeps an answer's own problem over it being a duplicate", () => {
    const set = answers(['first-pet-name', 'abc'], ['birth-city', 'abc'], ['first-school', 'Elm Street']);
    expect(checkAnswers(set, rules)).toEqual({
      'answers.0.answer': { message: 'answer.tooShort', params: { min: 4 } },
      'answers.1.answer': { message: 'answer.tooShort', params: { min: 4 } },
    });
  });

  it('reports question and answer problems of one entry side by side', () => {
    const set = answers(['first-pet-name', 'Fido'], ['first-pet-name', 'fido'], ['first-school', 'Elm Street']);
    expect(checkAnswers(set, rules)).toEqual({
      'answers.1.questionId': { message: 'question.duplicate' },
      'answers.1.answer': { message: 'answer.duplicate' },
    });
  });

  it('reports the count together with the per-answer problems', () => {
    const set = answers(['first-pet-name', 'Fido'], ['first-pet-name', 'Rex!']);
    expect(checkAnswers(set, rules)).toEqual({
      answers: { message: 'answers.count', params: { count: 3 } },
      'answers.1.questionId': { message: 'question.duplicate' },
    });
  });

  it('only uses message keys every language has', () => {
    const set = answers(
      ['x', ''],
      ['first-pet-name', 'abc'],
      ['birth-city', 'a'.repeat(200)],
      ['first-school', 'aaaa'],
    );
    const produced = [
      ...Object.values(checkAnswers(set, rules)),
      ...Object.values(checkAnswers(answers(['first-pet-name', 'Fido'], ['first-pet-name', 'fido']), rules)),
      checkAnswer('In welcher Stadt wurden Sie geboren?', Q, rules),
    ].map((p) => p?.message);
    expect(new Set(produced).size).toBeGreaterThanOrEqual(8);
    for (const language of LANGUAGES) {
      const keys = new Set(messageKeys(language));
      for (const key of produced) expect(keys.has(key ?? ''), `${language}:${key}`).toBe(true);
    }
  });
});
