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
import { effectiveProfile, type ModelProfile } from './modelProfile.js';

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
  /** Text put before every question, for models trained with one (bge, e5). From the model's profile when unset. */
  queryPrefix?: string;
  /** Text put before every passage (e5 models). From the model's profile when unset. */
  passagePrefix?: string;
  /** Texts per forward pass while indexing (default 1: see ONE_TEXT_PER_PASS). */
  batchSize?: number;
}

/** One text's tokens and their contextual vectors (row i of `vectors` is `tokens[i]`). */
export interface TokenStates {
  tokens: string[];
  vectors: Float32Array;
}

export interface Embedder {
  /** The model as named in options; recorded in index manifests. */
  readonly model: string;
  /** What the model's files hold (see modelFingerprint), for index manifests. Reads them all: call it when building. */
  fingerprint(): ModelFingerprint | undefined;
  readonly dimension: number;
  /**
   * Pooling, normalisation, prefixes and token limit in force (the model folder's profile.json,
   * or its family's defaults, with the prefixes of the options on top); recorded in index manifests.
   */
  readonly profile: ModelProfile;
  /** Texts per forward pass in `embed`: a vector depends a little on its companions unless this is 1. */
  readonly batchSize: number;
  /** Unit-length vectors, one per text, in input order. */
  embed(texts: string[], kind: 'query' | 'passage'): Promise<Float32Array[]>;
  /**
   * The model's vector of every token of each passage (unit length; special tokens, padding
   * and the passage prefix left out), with the token as the tokenizer wrote it: what token
   * alignment (answer/alignTokens) compares.
   */
  tokenStates(texts: string[]): Promise<TokenStates[]>;
  /** A question's vector and its token states, from one forward pass. */
  encodeQuery(text: string): Promise<{ vector: Float32Array; tokens: TokenStates }>;
  /** Model tokens in a text (special tokens excluded), with the model's own tokenizer. */
  countTokens(text: string): number;
  dispose(): Promise<void>;
}

/**
 * Texts per forward pass: one. The int8 model quantises its activations with one range per
 * batch, so a text run beside others gets a vector that depends a little on them (cosine
 * above 0.99, enough to move a question in the eval): an index rebuilt partly from the
 * embedding cache would differ from one built from scratch, and a sentence's token states
 * would depend on which sentences an earlier question happened to align. Alone, a text
 * always gets the same vector. It costs nothing measurable on two cores, where the matrix
 * products are the work and length-sorted batches padded little anyway: readline docs, 374
 * texts, 112 texts/s alone, 116 in batches of 8, 110 in batches of 32 (the earlier default);
 * the bundled document 180, 194 and 152; the Node.js API docs built in 446 s instead of
 * 497 s, with a 1.0 GB peak instead of 1.5 GB (no batch's activations held at once).
 */
const ONE_TEXT_PER_PASS = 1;

export async function loadEmbedder(options: EmbedderOptions): Promise<Embedder> {
  const resolved = resolveModel(options);
  const cacheDir = resolved.cacheDir;
  // transformers.js keeps its settings in one global object; set them right before loading.
  env.localModelPath = resolved.localModelPath.endsWith(path.sep) ? resolved.localModelPath : resolved.localModelPath + path.sep;
  env.allowLocalModels = true;
  env.allowRemoteModels = Boolean(options.allowRemoteModels);
  env.cacheDir = cacheDir;
  if (options.remoteHost) env.remoteHost = options.remoteHost.endsWith('/') ? options.remoteHost : options.remoteHost + '/';

  // Read before loading: a reranker or a broken profile should fail fast, with its own message.
  const profile = effectiveProfile(options.model, resolved.folder, options);
  if (profile.kind !== 'encoder') {
    throw new VerbatimError('MODEL_LOAD_FAILED', `"${options.model}" is a ${profile.kind} (its profile.json says so), not a sentence encoder: it cannot embed texts. Use it as a reranker, and an encoder such as all-minilm-l6-v2 for EMBEDDING_MODEL.`);
  }

  let extractor: FeatureExtractionPipeline;
  try {
    extractor = (await pipeline('feature-extraction', resolved.id, { quantized: resolved.quantized })) as FeatureExtractionPipeline;
  } catch (error) {
    throw new VerbatimError('MODEL_LOAD_FAILED', `Could not load embedding model "${options.model}": ${(error as Error).message}`, { cause: error });
  }

  // A model downloaded just now has its files (maybe a profile.json) only after loading.
  const loadedProfile = resolved.folder ? profile : effectiveProfile(options.model, resolveModel(options).folder, options);
  const { queryPrefix, passagePrefix } = loadedProfile;
  const batchSize = options.batchSize ?? ONE_TEXT_PER_PASS;
  const tokenizer = extractor.tokenizer;
  // The profile's token limit, through the tokenizer's own: passing `max_length` to the call
  // instead would also pad every text to that length (transformers.js v2), a 20x slower query.
  if (loadedProfile.maxTokens) tokenizer.model_max_length = Math.min(tokenizer.model_max_length ?? Infinity, loadedProfile.maxTokens);

  /**
   * Tokenize, run the model, then pool and normalise here rather than with the pipeline's
   * `pooling` option: transformers.js pools element by element through generic tensor
   * accessors, which profiling showed to be most of the indexing time. The result is the same
   * vector: the mean over the attention mask, or the [CLS] token's, per the profile.
   */
  async function forward(batch: string[]) {
    const inputs = tokenizer(batch, { padding: true, truncation: true });
    const outputs = await extractor.model(inputs);
    const hidden = outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings;
    const [rows, seq, dim] = hidden.dims as [number, number, number];
    return { rows, seq, dim, data: hidden.data as Float32Array, mask: inputs.attention_mask.data as BigInt64Array, ids: inputs.input_ids.data as BigInt64Array };
  }

  const special = new Set<number>(tokenizer.all_special_ids as number[]);
  /**
   * Row r's tokens, each vector made unit length: special tokens, padding and the tokens of
   * the prefix the text was given ("query: ", "passage: ") left out, so that a question
   * about passages does not find "passage" in every sentence.
   */
  function tokensOf({ seq, dim, data, mask, ids }: Forward, r: number, prefixTokens: number): TokenStates {
    const keep: number[] = [];
    for (let t = 0; t < seq; t++) if (mask[r * seq + t] !== 0n && !special.has(Number(ids[r * seq + t]))) keep.push(t);
    keep.splice(0, prefixTokens);
    const vectors = new Float32Array(keep.length * dim);
    keep.forEach((t, k) => vectors.set(unit(data.slice((r * seq + t) * dim, (r * seq + t + 1) * dim)), k * dim));
    return { tokens: tokenizer.model.convert_ids_to_tokens(keep.map((t) => Number(ids[r * seq + t]))), vectors };
  }

  type Forward = Awaited<ReturnType<typeof forward>>;
  function pool({ seq, dim, data, mask }: Forward, r: number): Float32Array {
    const v = new Float32Array(dim);
    if (loadedProfile.pooling === 'cls') {
      v.set(data.subarray(r * seq * dim, r * seq * dim + dim));
    } else {
      for (let t = 0; t < seq; t++) {
        if (mask[r * seq + t] === 0n) continue;
        const offset = (r * seq + t) * dim;
        for (let d = 0; d < dim; d++) v[d]! += data[offset + d]!;
      }
    }
    // The mean's divisor does not change the direction; normalising is enough. Vectors are
    // unit length whatever the profile's \`normalize\`: the index compares them by cosine, so a
    // model whose card leaves them unnormalised ranks the same.
    return unit(v);
  }

  const prefixLength = (prefix: string) => (prefix.trim() ? tokenizer.encode(prefix.trim(), null, { add_special_tokens: false }).length : 0);
  const queryPrefixTokens = prefixLength(queryPrefix);
  const passagePrefixTokens = prefixLength(passagePrefix);

  const dimension = pool(await forward(['dimension probe']), 0).length;

  return {
    model: options.model,
    // Resolved again: a downloaded model's files exist only after loading.
    fingerprint: () => modelFingerprint(resolveModel(options)),
    dimension,
    profile: loadedProfile,
    batchSize,
    async embed(texts, kind) {
      const prefix = kind === 'query' ? queryPrefix : passagePrefix;
      return inBatches(texts, batchSize, async (batch) => {
        const output = await forward(batch.map((t) => prefix + t));
        return batch.map((_, r) => pool(output, r));
      });
    },
    async encodeQuery(text) {
      const output = await forward([queryPrefix + text]);
      return { vector: pool(output, 0), tokens: tokensOf(output, 0, queryPrefixTokens) };
    },
    async tokenStates(texts) {
      // Always alone, whatever `batchSize`: an answer must not depend on earlier questions.
      const out: TokenStates[] = [];
      for (const t of texts) out.push(tokensOf(await forward([passagePrefix + t]), 0, passagePrefixTokens));
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

/** `v` scaled to unit length, in place; a zero vector (a text of no known token) stays zero rather than NaN. */
function unit(v: Float32Array): Float32Array {
  let norm = 0;
  for (let d = 0; d < v.length; d++) norm += v[d]! * v[d]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let d = 0; d < v.length; d++) v[d]! /= norm;
  return v;
}

/**
 * `texts` through `run` in batches of `size`, results in input order. Sorting by length
 * keeps padding (and so wasted work) small inside each batch when `size` is above 1.
 */
async function inBatches<T>(texts: string[], size: number, run: (batch: string[]) => Promise<T[]>): Promise<T[]> {
  const out = new Array<T>(texts.length);
  const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
  for (let i = 0; i < order.length; i += size) {
    const ids = order.slice(i, i + size);
    const results = await run(ids.map((id) => texts[id]!));
    ids.forEach((id, j) => (out[id] = results[j]!));
  }
  return out;
}
