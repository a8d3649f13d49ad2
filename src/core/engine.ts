/**
 * The Verbatim engine: one object that owns the model and the index and answers questions.
 * Adapters (command line, Discord) create one with `Verbatim.open` and call its methods;
 * it never knows which adapter is calling.
 */
import { silentLogger } from './silentLogger.js';
import path from 'node:path';
import type { Answer, AskOptions, Logger, Passage, ProgressHook, QuizOptions, QuizQuestion, ReindexSummary, SectionInfo, Summary, SummaryOptions, VerbatimEngine } from './types.js';
import { VerbatimError } from './errors.js';
import type { Embedder, EmbedderOptions } from './embed/loadEmbedder.js';
import { modelFingerprint, resolveModel, type ModelFiles } from './embed/modelFolder.js';
import { effectiveProfile, type ModelProfile } from './embed/modelProfile.js';
import { corpusHash, readCorpus, type CorpusFile } from './ingest/readCorpus.js';
import { SUPPORTED_EXTENSIONS } from './ingest/formats.js';
import { DEFAULT_CHUNKER, sentenceTable, type ChunkerOptions } from './chunk/chunkSections.js';
import { buildIndex } from './index/buildIndex.js';
import { INDEX_FORMAT_VERSION, readIndex, readManifest, removeLeftovers, staleReason, startReadingIndex, type IndexManifest } from './index/indexStore.js';
import type { BackgroundReads } from './index/readInBackground.js';
import { keepExactQuotes, quotesExactly, type SourceTexts } from './answer/verifyQuotes.js';
import { makeSearchState, type SearchState } from './retrieve/searchState.js';
import { answerQuestion } from './answer/answerQuestion.js';
import { foldWhitespace, passageFromRange } from './answer/makePassage.js';
import { BUNDLED_MODEL, BUNDLED_WORD_VECTORS, DEFAULT_CORPUS_DIR, DEFAULT_INDEX_DIR } from './paths.js';
import { loadWordVectors, type WordVectors } from './words/wordVectors.js';
import { EmbeddingCache } from './embed/embeddingCache.js';
import { tokenStateCache } from './embed/tokenStateCache.js';
import { hasOwnRefusalRule } from './retrieve/calibrate.js';
import type { FusionOptions } from './retrieve/findChunks.js';
import type { QuoteOptions } from './answer/chooseQuotes.js';
import { summarise } from './summarise/summarise.js';
import { resolveDocuments } from './summarise/scope.js';
import { makeQuestion } from './quiz/makeQuestion.js';

export interface VerbatimOptions {
  /** A folder of .txt/.md files, or one file (default: the repository's `corpus/`). */
  corpus?: string;
  /** Where the index lives (default: the repository's `embeddings/`). */
  indexDir?: string;
  /** The embedding model and how it may be loaded (default: the bundled all-MiniLM-L6-v2, offline). */
  embedder?: Partial<EmbedderOptions>;
  /**
   * The word-vector table behind query expansion and soft word matching (see
   * words/wordVectors): a folder, or `false` for none (default: the bundled GloVe table).
   */
  wordVectors?: string | false;
  /**
   * What to do when the index is missing, stale or damaged: rebuild it (`auto`, the default),
   * fail with an error that says which command to run (`never`), or rebuild regardless (`always`).
   */
  rebuild?: 'auto' | 'never' | 'always';
  chunker?: ChunkerOptions;
  /** Retrieval tuning; the defaults were chosen on the evaluation sets. */
  fusion?: FusionOptions;
  quotes?: QuoteOptions;
  /**
   * Measure every refusal signal, even token alignment for a question the rule refuses
   * whatever it would be (`npm run fit-refusal` needs them all); off by default, as that
   * costs forward passes for nothing.
   */
  measureAllSignals?: boolean;
  logger?: Logger;
  onProgress?: ProgressHook;
  /** Where text extracted from PDF, HTML and Word files is kept between starts (see `LoadCorpusOptions.extractionCache`). */
  extractionCache?: string;
  /**
   * A model another engine already loaded (see `Verbatim.embedder`): many small indexes (a
   * server's documents) share one model instead of loading one each. The engine that loaded
   * it disposes it; this one never does.
   */
  sharedEmbedder?: Embedder;
}


export interface ReindexResult extends ReindexSummary {
  manifest: IndexManifest;
}

export class Verbatim implements VerbatimEngine {
  /** The corpus files' texts each index answers from: every quote is checked against them before it is shown. */
  private sources = new WeakMap<SearchState, SourceTexts>();
  private reindexing: Promise<ReindexResult> | undefined;

  private constructor(
    private state: SearchState,
    private readonly model: Embedder,
    private readonly options: Required<Pick<VerbatimOptions, 'corpus' | 'indexDir' | 'chunker' | 'rebuild'>> & VerbatimOptions,
    private readonly logger: Logger,
    /** Why `open` had to build the index (missing, out of date, damaged), or undefined when it loaded a current one. */
    readonly rebuiltBecause?: string,
  ) {}

  /** Loads the model and the corpus, then the index (building it when needed). */
  static async open(options: VerbatimOptions = {}): Promise<Verbatim> {
    const logger = options.logger ?? silentLogger;
    const resolved = {
      ...options,
      wordVectors: options.wordVectors ?? BUNDLED_WORD_VECTORS,
      corpus: path.resolve(options.corpus ?? DEFAULT_CORPUS_DIR),
      indexDir: path.resolve(options.indexDir ?? DEFAULT_INDEX_DIR),
      chunker: options.chunker ?? DEFAULT_CHUNKER,
      rebuild: options.rebuild ?? 'auto',
    };
    // The model loads while the corpus and the index are read: a cold start pays for the
    // slower of the two, not both. Only building an index has to wait for the model. Its
    // library is imported here, not with this module: resolving its many files leaves this
    // thread idle between steps, and reading the corpus fills those gaps.
    const shared = options.sharedEmbedder;
    const embedderOptions = { model: shared?.model ?? BUNDLED_MODEL, ...options.embedder, ...(shared ? { model: shared.model } : {}) };
    const loading = shared ? Promise.resolve(shared) : import('./embed/loadEmbedder.js').then(({ loadEmbedder }) => loadEmbedder(embedderOptions));
    loading.catch(() => undefined); // awaited below; keeps an early failure from going unhandled meanwhile
    // A large index's files are read and verified meanwhile too, on a worker thread, to be
    // used once the corpus shows the index current (loadOrBuild; see startReadingIndex).
    const prefetched = resolved.rebuild === 'always' ? undefined : prefetchIndex(resolved.indexDir);
    try {
      const corpus = await readCorpusFiles(resolved.corpus, logger, resolved.extractionCache);
      const model: ModelHandle = {
        model: embedderOptions.model,
        fingerprint: shared ? () => shared.fingerprint()?.fingerprint : (known) => modelFingerprint(resolveModel(embedderOptions), known)?.fingerprint,
        profile: () => (shared ? shared.profile : effectiveProfile(embedderOptions.model, resolveModel(embedderOptions).folder, embedderOptions)),
        load: () => loading,
      };
      const { state, rebuiltBecause } = await loadOrBuild(corpus, model, resolved, logger, prefetched);
      const engine = new Verbatim(state, await loading, resolved, logger, rebuiltBecause);
      if (!hasOwnRefusalRule(embedderOptions.model) && !warnedWithoutRule.has(embedderOptions.model)) {
        warnedWithoutRule.add(embedderOptions.model);
        logger.warn({ model: embedderOptions.model }, 'no refusal rule was fitted for this model: the general one decides, without token alignment (npm run fit-refusal fits one)');
      }
      engine.sources.set(state, sourceTexts(corpus.files));
      return engine;
    } catch (error) {
      if (!shared) await (await loading.catch(() => undefined))?.dispose();
      throw error;
    } finally {
      prefetched?.reads.stop();
    }
  }

  /** The loaded model, for other engines to share (`VerbatimOptions.sharedEmbedder`). */
  get embedder(): Embedder {
    return this.model;
  }

  /** The index currently answering. */
  get manifest(): IndexManifest {
    return this.state.manifest;
  }

  async ask(question: string, options: AskOptions = {}): Promise<Answer> {
    const state = this.state;
    // The question's vector and its token states come from one forward pass.
    let encoded: { text: string; result: ReturnType<Embedder['encodeQuery']> } | undefined;
    const encode = (text: string) => (encoded?.text === text ? encoded : (encoded = { text, result: this.model.encodeQuery(text) })).result;
    const answer = await answerQuestion(state, question, options, {
      embedQuery: async (text) => (await encode(text)).vector,
      embedWords: async (words) => {
        const table = wordTable(this.options.wordVectors);
        return words.map((w) => table?.vector(w) ?? new Float32Array(this.state.vocabulary.dimension));
      },
      sentenceVectors: (ids) => this.vectorsOf(state, ids),
      questionTokens: async (text) => (await encode(text)).tokens,
      sentenceTokens: (ids) => this.tokensOf(state, ids),
      fusion: this.options.fusion,
      quotes: this.options.quotes,
      measureAllSignals: this.options.measureAllSignals,
    });
    const passages = this.exact(state, answer.passages, 'ask');
    if (passages.length === answer.passages.length) return answer;
    if (passages.length > 0 || !answer.answered) return { ...answer, passages };
    return { question: answer.question, answered: false, passages, reason: 'The passages found could not be verified against the document, so none is shown.' };
  }

  /** The passages that quote the source exactly (see answer/verifyQuotes); the others are logged and dropped. */
  private exact(state: SearchState, passages: Passage[], context: string): Passage[] {
    return keepExactQuotes(passages, this.sources.get(state) ?? new Map(), this.logger, context);
  }

  documents(): Array<{ id: string; title: string; source?: string }> {
    return this.state.documents.map((d) => ({ id: d.id, title: d.title, ...(d.source ? { source: d.source } : {}) }));
  }

  /** Each document's text by id, as quotes are sliced from it (for an engine answering from another process). */
  documentTexts(): Record<string, string> {
    return Object.fromEntries(this.state.documents.map((d) => [d.id, d.text]));
  }

  textAt(documentId: string, start: number, end: number): string | undefined {
    const document = this.state.documents.find((d) => d.id === documentId);
    if (!document || start < 0 || end > document.text.length || end < start) return undefined;
    return foldWhitespace(document.text.slice(start, end));
  }

  sections(): SectionInfo[] {
    return this.state.documents.flatMap((d) =>
      d.sections.map((s) => ({
        document: d.title,
        documentId: d.id,
        number: s.number,
        title: s.title,
        level: s.level,
        parents: s.parents,
        paragraphs: s.blocks.length,
        length: s.end - s.start,
      })),
    );
  }

  sectionText(documentId: string, section: number, paragraph?: number): Passage[] {
    const [doc] = resolveDocuments(this.state, { documentId }) as [number];
    const found = this.state.sections.get(`${doc}:${section}`);
    if (!found) throw new VerbatimError('UNKNOWN_SECTION', `"${this.state.documents[doc]!.title}" has no section ${section}.`);
    const blocks = found.blocks.map((b, i) => ({ b, i })).filter(({ b }) => paragraph === undefined || b.paragraph === paragraph);
    if (blocks.length === 0) throw new VerbatimError('UNKNOWN_SECTION', `Section ${section} has no paragraph ${paragraph} (it has ${found.blocks.length}).`);
    return this.exact(this.state, blocks.map(({ b, i }) => passageFromRange(this.state, doc, section, i, b.start, b.end, 1)), 'section');
  }

  /** An extractive summary of the corpus, one document or one section: central sentences, quoted in document order. */
  async summarise(options: SummaryOptions = {}): Promise<Summary> {
    const state = this.state;
    const summary = await summarise(state, options, { sentenceVectors: (ids) => this.vectorsOf(state, ids) });
    return { ...summary, passages: this.exact(state, summary.passages, 'summary') };
  }

  /** A multiple-choice question from the document; the same seed gives the same question. */
  quiz(options: QuizOptions = {}): QuizQuestion | undefined {
    const state = this.state;
    const question = makeQuestion(state, options);
    if (!question || quotesExactly(question.passage, this.sources.get(state) ?? new Map())) return question;
    this.exact(state, [question.passage], 'quiz'); // logs the fault
    return undefined;
  }

  /** Sentence vectors, embedded when the index was built: no question waits for a forward pass to get them. */
  private async vectorsOf(state: SearchState, ids: number[]): Promise<Map<number, Float32Array>> {
    const dimension = state.manifest.model.dimension;
    return new Map(ids.map((i) => [i, state.sentenceVectors.subarray(i * dimension, (i + 1) * dimension)]));
  }

  /**
   * Token states of candidate sentences, run through the model the first time they are among
   * those aligned and kept in the process's cache (embed/tokenStateCache). Not stored in the
   * index: at 1.5 KB a token they would be most of a large corpus's index, and a question
   * aligns 30 sentences.
   */
  private tokensOf(state: SearchState, ids: number[]): Promise<Map<number, Float32Array>> {
    return tokenStateCache.get(state, ids, async (missing) => (await this.model.tokenStates(missing.map((i) => state.sentences[i]!.text))).map((t) => t.vectors));
  }

  /** Whether the corpus on disk differs from what the index answering now was built from. */
  async corpusChanged(): Promise<boolean> {
    return (await readCorpusFiles(this.options.corpus, this.logger, this.options.extractionCache)).hash !== this.state.manifest.corpus.hash;
  }

  /**
   * Re-reads the corpus and, when it changed (or `force`), builds a new index while this
   * engine keeps answering from the old one; then swaps both at once. Concurrent calls share
   * one rebuild.
   */
  reindex(options: { force?: boolean } = {}): Promise<ReindexResult> {
    this.reindexing ??= (async () => {
      const started = performance.now();
      try {
        const corpus = await readCorpusFiles(this.options.corpus, this.logger, this.options.extractionCache);
        if (!options.force && corpus.hash === this.state.manifest.corpus.hash) {
          return { changed: false, manifest: this.state.manifest, ms: performance.now() - started };
        }
        const model: ModelHandle = { model: this.model.model, fingerprint: () => this.model.fingerprint()?.fingerprint, profile: () => this.model.profile, load: async () => this.model };
        const { state } = await loadOrBuild(corpus, model, { ...this.options, rebuild: 'always' }, this.logger);
        this.sources.set(state, sourceTexts(corpus.files));
        tokenStateCache.forget(this.state);
        this.state = state;
        return { changed: true, manifest: state.manifest, ms: performance.now() - started };
      } finally {
        this.reindexing = undefined;
      }
    })();
    return this.reindexing;
  }

  async close(): Promise<void> {
    await this.reindexing?.catch(() => undefined);
    tokenStateCache.forget(this.state);
    if (!this.options.sharedEmbedder) await this.model.dispose();
  }
}

interface CorpusOnDisk {
  files: CorpusFile[];
  /** What the index must have been built from to be current. */
  hash: string;
}

/** Reads the corpus files (no parsing: a current index holds the parsed documents). */
async function readCorpusFiles(corpus: string, logger: Logger, extractionCache?: string): Promise<CorpusOnDisk> {
  let read;
  try {
    read = await readCorpus(corpus, { logger, ...(extractionCache ? { extractionCache } : {}) });
  } catch (error) {
    throw new VerbatimError('CORPUS_UNREADABLE', (error as Error).message, { cause: error });
  }
  if (read.files.length === 0) throw emptyCorpus(corpus, read.skipped);
  return { files: read.files, hash: corpusHash(read.files) };
}

function emptyCorpus(corpus: string, skippedFiles: Array<{ path: string; reason: string }>): VerbatimError {
  const skipped = skippedFiles.map((s) => `${s.path} (${s.reason})`).join('; ');
  return new VerbatimError('CORPUS_EMPTY', `No readable document (${SUPPORTED_EXTENSIONS.join(", ")}) in ${corpus}${skipped ? `; skipped: ${skipped}` : ''}.`);
}

/** How often the log says how embedding is going: a bot's log shows progress without flooding. */
const PROGRESS_LOG_MS = 5000;

/**
 * Progress for the log (each phase's start and end, and embedding's rate and time left every
 * few seconds), passed on to the caller's hook (the command line draws bars with it).
 */
function reportProgress(logger: Logger, hook: ProgressHook | undefined): ProgressHook {
  let phase = '';
  let started = 0;
  let lastLog = 0;
  return (event) => {
    hook?.(event);
    const now = performance.now();
    if (event.phase !== phase) {
      phase = event.phase;
      started = lastLog = now;
      logger.info({ phase, total: event.total }, `indexing: ${phase}`);
      return;
    }
    const finished = event.done >= event.total;
    if (event.phase === 'embedding' && (finished || now - lastLog >= PROGRESS_LOG_MS) && event.done > 0) {
      lastLog = now;
      const rate = event.done / ((now - started) / 1000);
      const left = (event.total - event.done) / rate;
      logger.info({ phase, done: event.done, total: event.total, perSecond: Math.round(rate) }, `indexing: embedded ${event.done}/${event.total} texts (${Math.round(rate)}/s${finished ? '' : `, about ${Math.ceil(left)} s left`})`);
    }
  };
}

/** Models warned about for having no refusal rule: once per process, not once per engine (a bot opens one per server library). */
const warnedWithoutRule = new Set<string>();

/** The word-vector table in `folder` (loaded once per process), or none when switched off. */
function wordTable(folder: string | false | undefined): WordVectors | undefined {
  return folder === false ? undefined : loadWordVectors(folder ?? BUNDLED_WORD_VECTORS);
}

const BOM = '\uFEFF';

/** Each corpus file's text as documents hold it: parsing removes a byte-order mark. */
function sourceTexts(files: readonly CorpusFile[]): Map<string, string> {
  return new Map(files.map((f) => [f.id, f.text.startsWith(BOM) ? f.text.slice(BOM.length) : f.text]));
}

/** The embedding model: its name and files are known at once, the model itself once loaded. */
interface ModelHandle {
  model: string;
  /** `known`: the files as an index's manifest recorded them, so unchanged ones are not read again. */
  fingerprint(known?: ModelFiles): string | undefined;
  /** The profile the model will embed with (embed/modelProfile), read without loading it. */
  profile(): ModelProfile;
  load(): Promise<Embedder>;
}

interface PrefetchedIndex {
  manifest: IndexManifest;
  reads: BackgroundReads;
}

/** The index's manifest with its files' reads begun, or undefined when that fails: loadOrBuild then reads (and reports on) the index itself. */
function prefetchIndex(dir: string): PrefetchedIndex | undefined {
  try {
    const manifest = readManifest(dir);
    return manifest?.formatVersion === INDEX_FORMAT_VERSION ? { manifest, reads: startReadingIndex(dir, manifest) } : undefined;
  } catch {
    return undefined;
  }
}

async function loadOrBuild(
  corpus: CorpusOnDisk,
  embedding: ModelHandle,
  options: { corpus: string; indexDir: string; chunker: ChunkerOptions; rebuild: 'auto' | 'never' | 'always'; wordVectors?: string | false; onProgress?: ProgressHook },
  logger: Logger,
  prefetched?: PrefetchedIndex,
): Promise<{ state: SearchState; rebuiltBecause?: string }> {
  const build = async (why: string) => {
    // The index being replaced is no longer read: its hundreds of megabytes would compete with the build.
    prefetched?.reads.stop();
    // The parsers load only when an index has to be built: a start with a current index skips them.
    logger.info({ indexDir: options.indexDir, reason: why }, 'building the index');
    const progress = reportProgress(logger, options.onProgress);
    progress({ phase: 'parsing', done: 0, total: corpus.files.length });
    const { parseCorpusIsolated } = await import('./ingest/parseInChildProcess.js');
    removeLeftovers(options.indexDir);
    const { documents, skipped } = await parseCorpusIsolated(corpus.files, logger);
    if (documents.length === 0) throw emptyCorpus(options.corpus, skipped);
    progress({ phase: 'parsing', done: corpus.files.length, total: corpus.files.length });
    const embedder = await embedding.load();
    // Vectors from passes of another size are a little different (embed/loadEmbedder): not reused.
    const cache = EmbeddingCache.open(options.indexDir, `${embedder.model}:${embedder.fingerprint()?.fingerprint ?? 'remote'}:${JSON.stringify(embedder.profile)}:${embedder.batchSize}`, embedder.dimension, logger);
    const built = await buildIndex(documents, embedder, { dir: options.indexDir, chunker: options.chunker, corpusHash: corpus.hash, words: wordTable(options.wordVectors), cache, onProgress: progress });
    logger.info({ chunks: built.chunks.length, sentences: built.sentences.length, reusedEmbeddings: cache.reused }, 'index built');
    return { state: makeSearchState({ documents, ...built }), rebuiltBecause: why };
  };
  if (options.rebuild === 'always') return build('a rebuild was requested');

  let problem: { code: 'INDEX_MISSING' | 'INDEX_STALE' | 'INDEX_CORRUPT'; why: string };
  try {
    const manifest = readManifest(options.indexDir);
    // Another process (`npm run index`) may have written a new index since the prefetch began.
    if (prefetched && prefetched.manifest.checksum !== manifest?.checksum) prefetched.reads.stop();
    if (!manifest) {
      problem = { code: 'INDEX_MISSING', why: `there is no index in ${options.indexDir}` };
    } else {
      const stale = staleReason(manifest, { corpusHash: corpus.hash, model: embedding.model, modelFingerprint: embedding.fingerprint(manifest.model.files), modelProfile: embedding.profile(), words: wordTable(options.wordVectors)?.id ?? null, chunker: options.chunker });
      if (stale) {
        problem = { code: 'INDEX_STALE', why: `the index is out of date: ${stale}` };
      } else {
        const loaded = await readIndex(options.indexDir, manifest, prefetched?.manifest.checksum === manifest.checksum ? prefetched.reads : undefined);
        // The corpus may have moved since it was indexed: paths come from where it is now.
        const paths = new Map(corpus.files.map((f) => [f.id, f.path]));
        const sources = sourceTexts(corpus.files);
        for (const d of loaded.documents) {
          // The corpus hash matched, so the index's copy of each text must be the file's.
          if (sources.get(d.id) !== d.text) throw new VerbatimError('INDEX_CORRUPT', `the index in ${options.indexDir} is damaged (${manifest.files.documents}: its text of ${d.id} is not the file's)`);
        }
        const documents = loaded.documents.map((d) => ({ ...d, path: paths.get(d.id) ?? d.path }));
        const sentences = sentenceTable(documents);
        if (sentences.length !== manifest.counts.sentences) throw new VerbatimError('INDEX_CORRUPT', `the index counts ${manifest.counts.sentences} sentences, its documents ${sentences.length}`);
        return { state: makeSearchState({ documents, sentences, chunks: loaded.chunks, vectors: loaded.vectors, sentenceVectors: loaded.sentenceVectors, lexical: loaded.lexical, vocabulary: loaded.vocabulary, sentenceFrequency: loaded.sentenceFrequency, manifest }) };
      }
    }
  } catch (error) {
    if (!(error instanceof VerbatimError) || error.code !== 'INDEX_CORRUPT') throw error;
    problem = { code: 'INDEX_CORRUPT', why: error.message };
  }
  if (options.rebuild === 'never') {
    throw new VerbatimError(problem.code, `Cannot answer yet: ${problem.why}. Run \`npm run index\` to build it.`);
  }
  logger.warn({ code: problem.code }, problem.why);
  return build(problem.why);
}
