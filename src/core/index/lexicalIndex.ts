/**
 * BM25 search over chunks with MiniSearch. Section titles are a field of their own with a
 * boost: a question naming a section's topic should find it even when the body words differ.
 */
import MiniSearch, { type Options } from 'minisearch';
import { terms, toTerm, words } from '../text/terms.js';

export interface LexicalDoc {
  id: number;
  /** The section's title, with its parents' and the document's. */
  title: string;
  text: string;
}

export interface LexicalHit {
  id: number;
  score: number;
}

/** Field boosts: a title word counts half again as much as a body word (set by judgement, not tuned). */
export const LEXICAL_BOOST = { title: 1.5, text: 1 } as const;

const OPTIONS: Options<LexicalDoc> = {
  fields: ['title', 'text'],
  storeFields: [],
  tokenize: (text: string) => words(text),
  processTerm: (term: string) => toTerm(term) ?? false,
};

export class LexicalIndex {
  private constructor(private readonly search_: MiniSearch<LexicalDoc>) {}

  static build(docs: readonly LexicalDoc[]): LexicalIndex {
    const index = new MiniSearch<LexicalDoc>(OPTIONS);
    index.addAll(docs as LexicalDoc[]);
    return new LexicalIndex(index);
  }

  static fromJSON(json: string): LexicalIndex {
    return new LexicalIndex(MiniSearch.loadJSON<LexicalDoc>(json, OPTIONS));
  }

  toJSON(): string {
    return JSON.stringify(this.search_);
  }

  /**
   * `expansions` (index term -> weight below 1) are extra words searched with less weight:
   * corpus words standing in for question words the corpus never uses.
   */
  search(question: string, limit: number, expansions?: { words: string[]; weights: Map<string, number> }): LexicalHit[] {
    const own = new Set(terms(question));
    if (own.size === 0 && !expansions?.words.length) return [];
    const query = expansions?.words.length ? `${question} ${expansions.words.join(' ')}` : question;
    const results = this.search_.search(query, {
      boost: LEXICAL_BOOST,
      combineWith: 'OR',
      boostTerm: (term) => (own.has(term) ? 1 : (expansions?.weights.get(term) ?? 1)),
    });
    return results.slice(0, limit).map((r) => ({ id: r.id as number, score: r.score }));
  }
}
