/**
 * Corpus -> index: chunk, embed (in bounded batches, with progress), build both indexes,
 * calibrate refusal, write atomically.
 */
import type { Chunk, ParsedDocument, ProgressHook } from '../types.js';
import type { Embedder } from '../embed/loadEmbedder.js';
import type { WordVectors } from '../words/wordVectors.js';
import type { EmbeddingCache } from '../embed/embeddingCache.js';
import { chunkSentences, sentenceTable, type ChunkerOptions, type SentenceRecord } from '../chunk/chunkSections.js';
import { calibrate, OFF_TOPIC_PROBES } from '../retrieve/calibrate.js';
import { collectVocabulary, type Vocabulary } from '../retrieve/vocabulary.js';
import { sentenceFrequencies } from '../retrieve/searchState.js';
import { LexicalIndex } from './lexicalIndex.js';
import { VectorIndex } from './vectorIndex.js';
import { writeIndex, type IndexManifest } from './indexStore.js';

/** Texts embedded per step (progress is reported after each): bounds the memory of one step's tensors. */
export const EMBED_STEP = 256;

export interface BuiltIndex {
  manifest: IndexManifest;
  sentences: SentenceRecord[];
  chunks: Chunk[];
  vectors: VectorIndex;
  /** Row-major unit vectors, one row of the model's dimension per sentence of `sentences`. */
  sentenceVectors: Float32Array;
  lexical: LexicalIndex;
  vocabulary: Vocabulary;
  sentenceFrequency: Map<string, number>;
}

/** The heading path a chunk sits under: BM25 matches it as the chunk's title field. */
export function sectionContext(document: ParsedDocument, sectionNumber: number): string {
  const section = document.sections.find((s) => s.number === sectionNumber)!;
  return [...section.parents, section.title].join(' — ');
}

export async function buildIndex(
  documents: ParsedDocument[],
  embedder: Embedder,
  options: { dir: string; chunker: ChunkerOptions; corpusHash: string; words?: WordVectors; cache?: EmbeddingCache; onProgress?: ProgressHook },
): Promise<BuiltIndex> {
  const sentences = sentenceTable(documents);
  const chunks = chunkSentences(sentences, (t) => embedder.countTokens(t), options.chunker);

  // Chunks are searched; sentences are scored when quoting and summarising. Both are embedded
  // here, once, so no question waits for a forward pass over its candidates. A text seen
  // before (same words, same model) comes from the cache.
  const embedded = await embedPassages([...chunks.map((c) => c.text), ...sentences.map((s) => s.text)], embedder, options.cache, options.onProgress);
  const vectors = VectorIndex.create(embedder.dimension, chunks.length);
  chunks.forEach((c) => vectors.add(c.id, embedded.get(c.text)!));
  const sentenceVectors = new Float32Array(sentences.length * embedder.dimension);
  sentences.forEach((s, i) => sentenceVectors.set(embedded.get(s.text)!, i * embedder.dimension));

  options.onProgress?.({ phase: 'calibrating', done: 0, total: 1 });
  const lexical = LexicalIndex.build(chunks.map((c) => ({ id: c.id, title: sectionContext(documents[c.doc]!, c.section), text: c.text })));

  const vocabulary = lookUpVocabulary(
    options.words,
    collectVocabulary([...sentences.map((s) => s.text), ...documents.flatMap((d) => d.sections.map((s) => s.title))]),
  );

  const sentenceFrequency = sentenceFrequencies(sentences);

  const probes = await embedder.embed([...OFF_TOPIC_PROBES], 'query');
  const calibration = calibrate(
    probes.map((p) => vectors.search(p, 1)[0]?.similarity ?? 0),
    probes.map((p) => bestRow(sentenceVectors, embedder.dimension, p)),
  );
  options.onProgress?.({ phase: 'calibrating', done: 1, total: 1 });

  options.onProgress?.({ phase: 'writing', done: 0, total: 1 });
  const manifest = writeIndex(options.dir, {
    manifest: {
      model: { name: embedder.model, dimension: embedder.dimension, ...embedder.fingerprint(), profile: embedder.profile },
      words: options.words?.id ?? null,
      corpus: { hash: options.corpusHash, documents: documents.map((d) => ({ id: d.id, title: d.title })) },
      chunker: options.chunker,
      counts: { documents: documents.length, sections: documents.reduce((n, d) => n + d.sections.length, 0), sentences: sentences.length, chunks: chunks.length },
      calibration,
    },
    documents,
    chunks,
    vectors,
    sentenceVectors,
    lexical,
    vocabulary,
    sentenceFrequency,
  });
  options.cache?.save();
  options.onProgress?.({ phase: 'writing', done: 1, total: 1 });
  return { manifest, sentences, chunks, vectors, sentenceVectors, lexical, vocabulary, sentenceFrequency };
}

/**
 * One vector per distinct text: from the cache when it has it, else embedded in bounded
 * steps, reporting progress in texts.
 */
async function embedPassages(texts: string[], embedder: Embedder, cache: EmbeddingCache | undefined, onProgress?: ProgressHook): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  const todo: string[] = [];
  for (const text of texts) {
    if (out.has(text)) continue;
    const cached = cache?.get(text);
    if (cached) out.set(text, cached);
    else {
      out.set(text, EMPTY);
      todo.push(text);
    }
  }
  onProgress?.({ phase: 'embedding', done: 0, total: todo.length });
  for (let i = 0; i < todo.length; i += EMBED_STEP) {
    const step = todo.slice(i, i + EMBED_STEP);
    const vectors = await embedder.embed(step, 'passage');
    step.forEach((text, j) => {
      out.set(text, vectors[j]!);
      cache?.set(text, vectors[j]!);
    });
    onProgress?.({ phase: 'embedding', done: i + step.length, total: todo.length });
  }
  return out;
}

const EMPTY = new Float32Array(0);

/** Highest dot product of `v` with any row of `rows` (brute force: a few dozen probes at build time). */
function bestRow(rows: Float32Array, dimension: number, v: Float32Array): number {
  let best = -1;
  for (let offset = 0; offset < rows.length; offset += dimension) {
    let s = 0;
    for (let d = 0; d < dimension; d++) s += rows[offset + d]! * v[d]!;
    if (s > best) best = s;
  }
  return best;
}

/**
 * The corpus vocabulary's word vectors, looked up in the word table (no model inference).
 * A word the table lacks keeps a zero row: it must neither attract neighbours nor look like
 * another unknown word. Without a table the vocabulary is empty and word-level meaning is off.
 */
function lookUpVocabulary(table: WordVectors | undefined, forms: Map<string, string>): Vocabulary {
  if (!table) return { words: [], terms: [], vectors: new Float32Array(0), dimension: 0 };
  const terms = [...forms.keys()];
  const words = [...forms.values()];
  const dimension = table.dimension;
  const vectors = new Float32Array(words.length * dimension);
  words.forEach((w, i) => {
    const v = table.vector(w);
    if (v) vectors.set(v, i * dimension);
  });
  return { words, terms, vectors, dimension };
}
