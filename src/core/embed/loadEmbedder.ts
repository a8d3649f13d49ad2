/**
 * Local sentence embeddings through transformers.js. The bundled model loads from the
 * repository with remote downloads off; any other model (a folder, or a Hugging Face id
 * that transformers.js downloads and caches when the user allows it) goes through the
 * same `feature-extraction` pipeline.
 */
import path from 'node:path';
import { env, pipeline, type FeatureExtractionPipeline } from '@xenova/transformers';
import { VerbatimError } from '../errors.js';
import { modelFingerprint, resolveModel, type ModelFingerprint } from './modelFolder.js';

export interface EmbedderOptions {
  /** A model folder (absolute or relative path) or a model id such as `Xenova/bge-small-en-v1.5`. */
  model: string;
  /** Allow transformers.js to download a model that is not on disk (default false). */
  allowRemoteModels?: boolean;
  /** Where downloaded models are cached (default `.cache/models`). */
  cacheDir?: string;
  /** Host to download from (default the Hugging Face Hub); a mirror or, in tests, a local server. */
  remoteHost?: string;
  /** Folder of local models looked up by id (default the repository's `models/`). */
  localModelPath?: string;
  /** Text put before every question, for models trained with one (bge, e5). Detected from the id when unset. */
  queryPrefix?: string;
  /** Text put before every passage (e5 models). */
  passagePrefix?: string;
  /** Texts per inference call while indexing. */
  batchSize?: number;
}

export interface Embedder {
  /** The model as named in options; recorded in index manifests. */
  readonly model: string;
  /** What the model's files hold (see modelFingerprint), for index manifests. Reads them all: call it when building. */
  fingerprint(): ModelFingerprint | undefined;
  readonly dimension: number;
  /** Unit-length vectors, one per text, in input order. */
  embed(texts: string[], kind: 'query' | 'passage'): Promise<Float32Array[]>;
  /** Model tokens in a text (special tokens excluded), with the model's own tokenizer. */
  countTokens(text: string): number;
  dispose(): Promise<void>;
}

/** Prefixes the model cards of common retrieval models ask for. */
function knownPrefixes(model: string): { query: string; passage: string } {
  const id = model.toLowerCase();
  if (/bge-.*-en/.test(id)) return { query: 'Represent this sentence for searching relevant passages: ', passage: '' };
  if (/(^|\/)(multilingual-)?e5-/.test(id)) return { query: 'query: ', passage: 'passage: ' };
  return { query: '', passage: '' };
}

export async function loadEmbedder(options: EmbedderOptions): Promise<Embedder> {
  const resolved = resolveModel(options);
  const cacheDir = resolved.cacheDir;
  // transformers.js keeps its settings in one global object; set them right before loading.
  env.localModelPath = resolved.localModelPath.endsWith(path.sep) ? resolved.localModelPath : resolved.localModelPath + path.sep;
  env.allowLocalModels = true;
  env.allowRemoteModels = Boolean(options.allowRemoteModels);
  env.cacheDir = cacheDir;
  if (options.remoteHost) env.remoteHost = options.remoteHost.endsWith('/') ? options.remoteHost : options.remoteHost + '/';

  let extractor: FeatureExtractionPipeline;
  try {
    extractor = (await pipeline('feature-extraction', resolved.id, { quantized: resolved.quantized })) as FeatureExtractionPipeline;
  } catch (error) {
    throw new VerbatimError('MODEL_LOAD_FAILED', `Could not load embedding model "${options.model}": ${(error as Error).message}`, { cause: error });
  }

  const prefixes = knownPrefixes(options.model);
  const queryPrefix = options.queryPrefix ?? prefixes.query;
  const passagePrefix = options.passagePrefix ?? prefixes.passage;
  const batchSize = options.batchSize ?? 32;
  const tokenizer = extractor.tokenizer;

  /**
   * Tokenize, run the model, then mean-pool and normalise here rather than with the
   * pipeline's `pooling: 'mean'`: transformers.js pools element by element through generic
   * tensor accessors, which profiling showed to be most of the indexing time. The result is
   * the same vector (mean over the attention mask, unit length).
   */
  async function run(batch: string[]): Promise<Float32Array[]> {
    const inputs = tokenizer(batch, { padding: true, truncation: true });
    const outputs = await extractor.model(inputs);
    const hidden = outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings;
    const [rows, seq, dim] = hidden.dims as [number, number, number];
    const data = hidden.data as Float32Array;
    const mask = inputs.attention_mask.data as BigInt64Array;
    const vectors: Float32Array[] = [];
    for (let r = 0; r < rows; r++) {
      const v = new Float32Array(dim);
      for (let t = 0; t < seq; t++) {
        if (mask[r * seq + t] === 0n) continue;
        const offset = (r * seq + t) * dim;
        for (let d = 0; d < dim; d++) v[d]! += data[offset + d]!;
      }
      // The mean's divisor does not change the direction; normalising is enough.
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += v[d]! * v[d]!;
      norm = Math.sqrt(norm);
      // A text with no token the model knows pools to zeros: leave it zero rather than NaN.
      if (norm > 0) for (let d = 0; d < dim; d++) v[d]! /= norm;
      vectors.push(v);
    }
    return vectors;
  }

  const probe = await run(['dimension probe']);
  const dimension = probe[0]!.length;

  return {
    model: options.model,
    // Resolved again: a downloaded model's files exist only after loading.
    fingerprint: () => modelFingerprint(resolveModel(options)),
    dimension,
    async embed(texts, kind) {
      const prefix = kind === 'query' ? queryPrefix : passagePrefix;
      const out = new Array<Float32Array>(texts.length);
      // Sorting by length keeps padding (and so wasted work) small inside each batch.
      const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
      for (let i = 0; i < order.length; i += batchSize) {
        const ids = order.slice(i, i + batchSize);
        const vectors = await run(ids.map((id) => prefix + texts[id]!));
        ids.forEach((id, j) => (out[id] = vectors[j]!));
      }
      return out;
    },
    countTokens(text) {
      return tokenizer.encode(text, null, { add_special_tokens: false }).length;
    },
    async dispose() {
      await extractor.dispose();
    },
  };
}
