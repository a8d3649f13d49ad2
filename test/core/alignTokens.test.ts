/**
 * Token alignment (answer/alignTokens): word pieces grouped into the question's terms, and
 * each term scored by its best-matching passage token, first on vectors made by hand, then
 * with the bundled model's own token states.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignTokens, groupQuestionTokens } from '../../src/core/answer/alignTokens.js';
import type { Embedder, TokenStates } from '../../src/core/embed/loadEmbedder.js';
import { loadEmbedder } from '../../src/core/embed/loadEmbedder.js';
import { dot } from '../../src/core/index/vectorIndex.js';
import { toTerm } from '../../src/core/text/terms.js';
import { BUNDLED_MODEL } from '../../src/core/paths.js';

/** Token states in 3 dimensions: one axis per token named in `axes`. */
function states(tokens: string[], axes: Record<string, number[]>): TokenStates {
  const vectors = new Float32Array(tokens.length * 3);
  tokens.forEach((t, i) => vectors.set(axes[t] ?? [0, 0, 0], i * 3));
  return { tokens, vectors };
}

describe('groupQuestionTokens and alignTokens', () => {
  const axes = { key: [1, 0, 0], '##press': [0, 1, 0], events: [0, 0, 1], the: [0.6, 0.8, 0] };

  it('joins word pieces into the term they spell and leaves out words that are not terms', () => {
    const grouped = groupQuestionTokens(states(['the', 'key', '##press', 'events', '?'], axes), ['keypre', 'event'], 3);
    expect(Array.from(grouped.rowsPerTerm)).toEqual([2, 1]);
    expect(Array.from(grouped.termOf)).toEqual([0, 0, 1]);
  });

  it('reads SentencePiece and byte-level BPE pieces, which mark the start of a word instead', () => {
    const sentencePiece = { ...axes, '\u2581key': [1, 0, 0], press: [0, 1, 0], '\u2581events': [0, 0, 1] };
    const grouped = groupQuestionTokens(states(['\u2581the', '\u2581key', 'press', '\u2581events', '?'], sentencePiece), ['keypre', 'event'], 3);
    expect(Array.from(grouped.rowsPerTerm)).toEqual([2, 1]);
    const bpe = groupQuestionTokens(states(['\u0120key', 'press', '\u0120events'], {}), ['keypre', 'event'], 3);
    expect(Array.from(bpe.rowsPerTerm)).toEqual([2, 1]);
  });

  it('matches a word whose accents the tokenizer stripped ("São" read as "sao")', () => {
    const grouped = groupQuestionTokens(states(['sao', 'paulo'], {}), [toTerm('são')!, 'paulo'], 3);
    expect(Array.from(grouped.rowsPerTerm)).toEqual([1, 1]);
  });

  it('scores each term by the mean over its pieces of their best passage token', async () => {
    const grouped = groupQuestionTokens(states(['key', '##press', 'events'], axes), ['keypre', 'event'], 3);
    // The passage has "key" and "events" but nothing for "##press".
    const passage = states(['key', 'events'], axes).vectors;
    const [a] = await alignTokens(grouped, [passage]);
    expect(a![0]).toBeCloseTo(0.5, 5);
    expect(a![1]).toBeCloseTo(1, 5);
    expect((await alignTokens(grouped, [new Float32Array(0)])).map((x) => Array.from(x))).toEqual([[0, 0]]);
  });

  it('gives 0 to a term the encoder gave no token', async () => {
    const grouped = groupQuestionTokens(states(['events'], axes), ['keypre', 'event'], 3);
    expect((await alignTokens(grouped, [states(['events'], axes).vectors])).map((x) => Array.from(x))).toEqual([[0, 1]]);
  });

  it('aligns many passages in one product as each would be aligned alone, an empty one among them', async () => {
    const grouped = groupQuestionTokens(states(['key', '##press', 'events'], axes), ['keypre', 'event'], 3);
    const passages = [states(['events', 'the'], axes).vectors, new Float32Array(0), states(['##press'], axes).vectors, states(['key', 'key', 'events'], axes).vectors];
    const together = await alignTokens(grouped, passages);
    const alone = await Promise.all(passages.map(async (p) => (await alignTokens(grouped, [p]))[0]!));
    expect(together.map((x) => Array.from(x))).toEqual(alone.map((x) => Array.from(x)));
    // "the" stands for "key" at 0.6 and for "##press" at 0.8: the term's mean is 0.7.
    expect(together[0]![0]).toBeCloseTo(0.7, 5);
    expect(together[0]![1]).toBeCloseTo(1, 5);
    expect(Array.from(together[1]!)).toEqual([0, 0]);
    expect(await alignTokens(grouped, [])).toEqual([]);
  });

  it('never scores a term below 0, however opposite its best token', async () => {
    const grouped = groupQuestionTokens(states(['key'], axes), ['key'], 3);
    const [a] = await alignTokens(grouped, [Float32Array.from([-1, 0, 0])]);
    expect(Array.from(a!)).toEqual([0]);
  });
});

describe('token states from the bundled model', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await loadEmbedder({ model: BUNDLED_MODEL });
  });
  afterAll(async () => {
    await embedder?.dispose();
  });

  it('gives one unit vector per token, special tokens left out, and the same question vector as embed', async () => {
    const question = 'What happens to journalists?';
    const { vector, tokens } = await embedder.encodeQuery(question);
    expect(tokens.tokens).toEqual(['what', 'happens', 'to', 'journalists', '?']);
    expect(tokens.vectors.length).toBe(tokens.tokens.length * embedder.dimension);
    const first = tokens.vectors.subarray(0, embedder.dimension);
    expect(dot(first, first)).toBeCloseTo(1, 4);
    expect(dot(vector, (await embedder.embed([question], 'query'))[0]!)).toBeCloseTo(1, 4);
  });

  it('gives a text the same vector and token states whatever it is run with', async () => {
    // The int8 model's activation ranges are per forward pass; each text has its own.
    const text = 'Journalists face threats and intimidation.';
    const others = ['The recipe needs two cups of flour.', 'A much longer sentence about the weather, the sea, the wind and the boats in the harbour at dawn.'];
    const [alone] = await embedder.embed([text], 'passage');
    const amid = (await embedder.embed([others[0]!, text, others[1]!], 'passage'))[1]!;
    expect([...amid]).toEqual([...alone!]);
    const [statesAlone] = await embedder.tokenStates([text]);
    const statesAmid = (await embedder.tokenStates([others[1]!, text, others[0]!]))[1]!;
    expect([...statesAmid.vectors]).toEqual([...statesAlone!.vectors]);
  });

  it('aligns a question word with its synonym in context better than with an unrelated sentence', async () => {
    const question = await embedder.encodeQuery('Are reporters in danger?');
    const grouped = groupQuestionTokens(question.tokens, ['report', 'danger'], embedder.dimension);
    const [related, unrelated] = await embedder.tokenStates([
      'Journalists face threats and intimidation.',
      'The recipe needs two cups of flour.',
    ]);
    const [a, b] = (await alignTokens(grouped, [related!.vectors, unrelated!.vectors])) as [Float32Array, Float32Array];
    expect(a[0]!).toBeGreaterThan(b[0]! + 0.1);
    expect(a[1]!).toBeGreaterThan(b[1]! + 0.1);
  });
});
