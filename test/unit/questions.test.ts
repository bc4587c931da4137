import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../functions/core/language.js';
import { findQuestion, QUESTION_CATALOG, questionsFor } from '../../functions/core/questions.js';

describe('question catalog', () => {
  it('has 10 questions with unique kebab-case ids', () => {
    expect(QUESTION_CATALOG).toHaveLength(10);
    const ids = QUESTION_CATALOG.map((q) => q.id);
    expect(new Set(ids).size).toBe(10);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('has a non-empty question in every language', () => {
    for (const question of QUESTION_CATALOG) {
      for (const language of LANGUAGES) {
        const text = question.text[language];
        expect(text.trim().length, `${question.id}/${language}`).toBeGreaterThan(1);
        expect(text.endsWith('?'), `${question.id}/${language}`).toBe(true);
      }
    }
  });

  it('has different texts per language and per question', () => {
    for (const language of LANGUAGES) {
      const texts = QUESTION_CATALOG.map((q) => q.text[language]);
      expect(new Set(texts).size).toBe(10);
    }
    for (const question of QUESTION_CATALOG) {
      expect(new Set(Object.values(question.text)).size).toBe(3);
    }
  });

  it('keeps the order the demo enrollment relies on', () => {
    expect(QUESTION_CATALOG.slice(0, 3).map((q) => q.id)).toEqual(['first-pet-name', 'birth-city', 'first-school']);
  });

  it('finds a question by id and nothing for an unknown id', () => {
    expect(findQuestion('first-pet-name')?.text.en).toBe('What was the name of your first pet?');
    expect(findQuestion('no-such-question')).toBeUndefined();
    expect(findQuestion('FIRST-PET-NAME')).toBeUndefined();
    expect(findQuestion('')).toBeUndefined();
  });

  it('lists the catalog in one language, in catalog order', () => {
    for (const language of LANGUAGES) {
      const listed = questionsFor(language);
      expect(listed.map((q) => q.id)).toEqual(QUESTION_CATALOG.map((q) => q.id));
      expect(listed.map((q) => q.text)).toEqual(QUESTION_CATALOG.map((q) => q.text[language]));
      for (const entry of listed) expect(Object.keys(entry).sort()).toEqual(['id', 'text']);
    }
    expect(questionsFor('de')[0]?.text).toBe('Wie hieß Ihr erstes Haustier?');
  });
});
