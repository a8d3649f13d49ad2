/**
 * Corpus -> index: chunk, embed (in bounded batches, with progress), build both indexes,
 * calibrate refusal, write atomically.
 */
import type { Chunk, ParsedDocument, ProgressHook } from '../types.js';
import type { Embedder } from '../embed/loadEmbedder.js';
import { chunkSentences, sentenceTable, type ChunkerOptions, type SentenceRecord } from '../chunk/chunkSections.js';
import { calibrate, OFF_TOPIC_PROBES } from '../retrieve/calibrate.js';
import { collectVocabulary, type Vocabulary } from '../retrieve/vocabulary.js';
import { sentenceFrequencies } from '../retrieve/searchState.js';
import { LexicalIndex } from './lexicalIndex.js';
import { dot, VectorIndex } from './vectorIndex.js';
import { writeIndex, type IndexManifest } from './indexStore.js';

/** Chunks embedded per step: bounds memory to one batch of tensors whatever the corpus size. */
export const EMBED_STEP = 256;

export interface BuiltIndex {
  manifest: IndexManifest;
  sentences: SentenceRecord[];
  chunks: Chunk[];
  vectors: VectorIndex;
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
  options: { dir: string; chunker: ChunkerOptions; corpusHash: string; onProgress?: ProgressHook },
): Promise<BuiltIndex> {
  const sentences = sentenceTable(documents);
  const chunks = chunkSentences(sentences, (t) => embedder.countTokens(t), options.chunker);

  const vectors = VectorIndex.create(embedder.dimension, chunks.length);
  options.onProgress?.({ phase: 'embedding', done: 0, total: chunks.length });
  for (let i = 0; i < chunks.length; i += EMBED_STEP) {
    const step = chunks.slice(i, i + EMBED_STEP);
    const embedded = await embedder.embed(step.map((c) => c.text), 'passage');
    step.forEach((c, j) => vectors.add(c.id, embedded[j]!));
    options.onProgress?.({ phase: 'embedding', done: i + step.length, total: chunks.length });
  }

  const lexical = LexicalIndex.build(chunks.map((c) => ({ id: c.id, title: sectionContext(documents[c.doc]!, c.section), text: c.text })));

  const vocabulary = await embedVocabulary(
    embedder,
    collectVocabulary([...sentences.map((s) => s.text), ...documents.flatMap((d) => d.sections.map((s) => s.title))]),
  );

  const sentenceFrequency = sentenceFrequencies(sentences);

  const probes = await embedder.embed([...OFF_TOPIC_PROBES], 'query');
  const calibration = calibrate(probes.map((p) => vectors.search(p, 1)[0]?.similarity ?? 0));

  const manifest = writeIndex(options.dir, {
    manifest: {
      model: { name: embedder.model, dimension: embedder.dimension, ...embedder.fingerprint(), profile: embedder.profile },
      corpus: { hash: options.corpusHash, documents: documents.map((d) => ({ id: d.id, title: d.title })) },
      chunker: options.chunker,
      counts: { documents: documents.length, sections: documents.reduce((n, d) => n + d.sections.length, 0), sentences: sentences.length, chunks: chunks.length },
      calibration,
    },
    documents,
    chunks,
    vectors,
    lexical,
    vocabulary,
    sentenceFrequency,
  });
  return { manifest, sentences, chunks, vectors, lexical, vocabulary, sentenceFrequency };
}

async function embedVocabulary(embedder: Embedder, forms: Map<string, string>): Promise<Vocabulary> {
  const terms = [...forms.keys()];
  const words = [...forms.values()];
  const dimension = embedder.dimension;
  const vectors = new Float32Array(words.length * dimension);
  // What the model makes of a word it does not know. Such words keep a zero row: they must
  // neither attract neighbours nor look like each other.
  const [unknown] = await embedder.embed(['qzxqvjw'], 'passage');
  for (let i = 0; i < words.length; i += EMBED_STEP) {
    const embedded = await embedder.embed(words.slice(i, i + EMBED_STEP), 'passage');
    embedded.forEach((v, j) => {
      if (dot(v, unknown!) < 0.999) vectors.set(v, (i + j) * dimension);
    });
  }
  return { words, terms, vectors, dimension };
}
