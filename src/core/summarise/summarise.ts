/**
 * Extractive summaries: the most central, least redundant sentences of a document or a
 * section, quoted verbatim in document order.
 *
 * 1. Scope: the quotable sentences of the corpus, one document or one section (scope.ts).
 * 2. Allocation: a whole-document summary gives each section a share of the sentences in
 *    proportion to its length (allocateSentences.ts), so no part of the text is left out.
 * 3. Centrality: each sentence's mean similarity to the others, half within its section
 *    and half within the whole scope (centrality.ts), blending embedding and term overlap.
 * 4. The lead: a whole-document summary states the document's main point first, with its
 *    first quotable sentence: the lead of a news story, the opening of an introduction
 *    (writers put the main fact there; centrality alone picked a recommendation bullet for
 *    the seed's one-sentence summary). So `sentences: 1` gives the lead.
 * 5. Selection: maximal marginal relevance, greedily across sections while they have seats:
 *    centrality minus the similarity to what is already chosen; near-duplicates never.
 *
 * Every step is deterministic (ties go to the earlier sentence), so the same corpus always
 * gives the same summary.
 */
import type { Passage, Summary, SummaryOptions } from '../types.js';
import type { SearchState } from '../retrieve/searchState.js';
import { passageFromSentences } from '../answer/makePassage.js';
import { resolveScope, type ScopeSection } from './scope.js';
import { allocateSentences } from './allocateSentences.js';
import { DEFAULT_SUMMARY_SENTENCES, MAX_SUMMARY_SENTENCES } from '../limits.js';
import { centrality } from './centrality.js';
import { compare, featuresOf, type SentenceFeatures } from './similarity.js';

/** What adapters say when a scope has nothing a summary could quote. */
export const NOTHING_TO_SUMMARISE = 'There is no sentence here that reads well on its own (only code, lists or headings).';

/**
 * Beyond this many quotable sentences in scope, centrality uses term overlap only: embedding
 * a whole large corpus for one summary would take longer than a person waits and would flush
 * the engine's sentence-vector cache.
 */
export const MAX_EMBEDDED_SENTENCES = 5000;

/**
 * Tuning of the summariser. The defaults were chosen by measurement on the seed and the readline
 * docs (5 and 10 sentences), against TextRank, lexical-only, embedding-only, no-MMR, no-allocation
 * and lead-sentence variants. Objectives: sections covered; redundancy (largest pairwise embedding
 * cosine and term Jaccard among the chosen); content coverage (share of the document's term
 * occurrences whose term the summary contains). Blended centroid centrality + MMR had the best
 * content coverage on readline (0.445 at 5 sentences, TextRank 0.299, lexical-only 0.376) and
 * stayed within 0.05 of the best on the seed (0.368; whole-document centrality 0.409 but 0.356 on
 * readline), with low redundancy (max Jaccard 0.10-0.18 where lead sentences reach 0.53).
 * Without allocation a seed summary covers 3 of 5 sections instead of 4.
 */
export const SUMMARY_TUNING = {
  /** Weight of embedding cosine against lexical cosine in sentence similarity (0..1). */
  vectorWeight: 0.5,
  /** MMR trade-off: weight of centrality against novelty (1 = centrality only). */
  relevanceWeight: 0.7,
  /** Share of a sentence's centrality measured within its own section, the rest within the whole scope. */
  sectionWeight: 0.5,
} as const;

export interface SummaryDeps {
  /** Embeds sentences of the table (by index), in one batch; without it, similarity is lexical. */
  sentenceVectors?: (ids: number[]) => Promise<Map<number, Float32Array>>;
}

/** Clamps a requested sentence count into 1..MAX_SUMMARY_SENTENCES. */
export function summaryLength(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_SUMMARY_SENTENCES;
  return Math.max(1, Math.min(MAX_SUMMARY_SENTENCES, Math.floor(requested)));
}

/** Features and centrality of every quotable sentence in scope, grouped by section. */
export interface ScoredScope {
  sections: Array<{ doc: number; section: number; length: number; sentences: SentenceFeatures[] }>;
  /** Centrality in [0, 1] by sentence id (1 = the most central sentence in scope). */
  centrality: Map<number, number>;
}

/**
 * Centrality of every quotable sentence in `scope`, scaled to [0, 1]. Synchronous: with no
 * `vectors` it ranks by term overlap alone (the quiz does, as it never waits for the model).
 */
export function rankScope(state: SearchState, scope: readonly ScopeSection[], vectors: Map<number, Float32Array> | undefined): ScoredScope {
  const tuning = SUMMARY_TUNING;
  const sections = scope.map((s) => ({ ...s, sentences: s.sentences.map((id) => featuresOf(state, id, vectors?.get(id))) }));
  const all = sections.flatMap((s) => s.sentences);
  const global = centrality(all, tuning.vectorWeight);
  const raw = new Map<number, number>();
  all.forEach((f, i) => raw.set(f.id, global[i]!));
  for (const s of sections) {
    // A section of one sentence says nothing about what is central in it.
    if (s.sentences.length < 2) continue;
    const local = centrality(s.sentences, tuning.vectorWeight);
    s.sentences.forEach((f, i) => raw.set(f.id, tuning.sectionWeight * local[i]! + (1 - tuning.sectionWeight) * raw.get(f.id)!));
  }
  // Scale to [0, 1] so centrality and similarity trade off on one scale in MMR.
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of raw.values()) {
    lo = Math.min(lo, c);
    hi = Math.max(hi, c);
  }
  const scaled = new Map<number, number>();
  for (const [id, c] of raw) scaled.set(id, hi > lo ? (c - lo) / (hi - lo) : 1);
  return { sections, centrality: scaled };
}

/** Each document's lead: the first quotable sentence of its first section that has one. */
export function leadSentences(scope: readonly ScopeSection[]): number[] {
  const leads = new Map<number, number>();
  for (const s of scope) if (!leads.has(s.doc) && s.sentences.length > 0) leads.set(s.doc, s.sentences[0]!);
  return [...leads.values()];
}

export async function summarise(state: SearchState, options: SummaryOptions = {}, deps: SummaryDeps = {}): Promise<Summary> {
  const tuning = SUMMARY_TUNING;
  const k = summaryLength(options.sentences);
  const scope = resolveScope(state, options);
  const ids = scope.flatMap((s) => s.sentences);
  // Embeddings when the caller can embed and the scope is not too large; else term overlap alone.
  const vectors = deps.sentenceVectors && ids.length > 0 && ids.length <= MAX_EMBEDDED_SENTENCES ? await deps.sentenceVectors(ids) : undefined;
  const scored = rankScope(state, scope, vectors);
  const { sections } = scored;

  // Seats per section, in proportion to their length.
  const seats = allocateSentences(sections.map((s) => s.length), sections.map((s) => s.sentences.length), k);

  const chosen: SentenceFeatures[] = [];
  const taken = new Set<number>();
  const redundancy = new Map<number, number>();
  const pick = (allowed: (section: number) => boolean, only?: number): boolean => {
    let best: { f: SentenceFeatures; section: number; score: number } | undefined;
    sections.forEach((s, si) => {
      if (!allowed(si)) return;
      for (const f of s.sentences) {
        if (taken.has(f.id) || (only !== undefined && f.id !== only)) continue;
        const score = tuning.relevanceWeight * scored.centrality.get(f.id)! - (1 - tuning.relevanceWeight) * (redundancy.get(f.id) ?? 0);
        if (!best || score > best.score || (score === best.score && f.id < best.f.id)) best = { f, section: si, score };
      }
    });
    if (!best) return false;
    const { f, section } = best;
    taken.add(f.id);
    seats[section]!--;
    chosen.push(f);
    // Update each candidate's similarity to the chosen set; drop near-duplicates for good.
    for (const s of sections) {
      for (const g of s.sentences) {
        if (taken.has(g.id)) continue;
        const pair = compare(f, g, tuning.vectorWeight);
        if (pair.nearDuplicate) taken.add(g.id);
        else redundancy.set(g.id, Math.max(redundancy.get(g.id) ?? 0, pair.similarity));
      }
    }
    return true;
  };

  if (options.section === undefined) {
    for (const lead of leadSentences(scope)) if (chosen.length < k) pick(() => true, lead);
  }
  while (chosen.length < k && pick((si) => seats[si]! > 0));
  // A section whose candidates were all near-duplicates of chosen sentences leaves seats over.
  while (chosen.length < k && pick(() => true));

  const passages: Passage[] = chosen
    .map((f) => f.id)
    .sort((a, b) => a - b)
    .map((id) => passageFromSentences(state, id, id, scored.centrality.get(id)!));
  return { passages };
}
