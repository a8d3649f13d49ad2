/**
 * Where a model's files are, and a fingerprint of them, without loading the model (or
 * transformers.js): an engine checks its index against the model before the model is ready.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { VerbatimError } from '../errors.js';
import { BUNDLED_MODELS_DIR, DEFAULT_CACHE_DIR } from '../paths.js';
import type { EmbedderOptions } from './loadEmbedder.js';

export interface ResolvedModel {
  /** The folder transformers.js looks up local models in, and the model's id inside it. */
  localModelPath: string;
  id: string;
  /** Where the model's files are now: its download cache or local folder (none before a download). */
  folder?: string;
  quantized: boolean;
  cacheDir: string;
}

export function resolveModel(options: EmbedderOptions): ResolvedModel {
  const cacheDir = options.cacheDir ?? path.join(DEFAULT_CACHE_DIR, 'models');
  const asPath = path.resolve(options.model);
  const looksLikePath = options.model.startsWith('.') || path.isAbsolute(options.model) || fs.existsSync(path.join(asPath, 'config.json'));
  const localModelPath = looksLikePath ? path.dirname(asPath) : (options.localModelPath ?? BUNDLED_MODELS_DIR);
  const id = looksLikePath ? path.basename(asPath) : options.model;
  // transformers.js looks in its download cache first, then in the local model folder.
  const folders = [path.join(cacheDir, id), path.join(localModelPath, id)];
  const folder = folders.find((f) => fs.existsSync(path.join(f, 'config.json')));
  if (looksLikePath && !folder) {
    throw new VerbatimError('MODEL_NOT_FOUND', `No model at ${asPath} (expected config.json, tokenizer.json and onnx/model*.onnx there). Run \`npm run build-model\` to regenerate the bundled model, or set EMBEDDING_MODEL to a model folder or id.`);
  }
  if (!folder && !options.allowRemoteModels) {
    throw new VerbatimError('MODEL_NOT_FOUND', `Model "${options.model}" is not in ${localModelPath} nor in the download cache ${cacheDir}, and downloads are off. Set ALLOW_REMOTE_MODELS=1 to let transformers.js download it, or run \`npm run build-model\` to regenerate the bundled model.`);
  }
  // transformers.js v2 asks for onnx/model_quantized.onnx unless told otherwise; a local
  // folder may hold only the full-precision file.
  const quantized = folder ? fs.existsSync(path.join(folder, 'onnx', 'model_quantized.onnx')) : true;
  return { localModelPath, id, ...(folder ? { folder } : {}), quantized, cacheDir };
}

/** Per model file (path inside the folder): its size, modification time and content hash. */
export type ModelFiles = Record<string, { size: number; mtimeMs: number; sha256: string }>;

export interface ModelFingerprint {
  /** One hash of every file's content: equal exactly when the model is the same. */
  fingerprint: string;
  files: ModelFiles;
}

/**
 * What the model's files hold, so that a model regenerated or replaced under the same name
 * makes indexes built with the old one stale. Contents are hashed, not dates: a copy or a
 * checkout that rewrites the same bytes is the same model. `known` (from an index's
 * manifest) spares re-reading a file whose size and modification time have not moved, so a
 * start costs a few `stat`s, not hashing 12 MB. Undefined while the model is not on disk.
 */
export function modelFingerprint(resolved: ResolvedModel, known: ModelFiles = {}): ModelFingerprint | undefined {
  if (!resolved.folder) return undefined;
  const files: ModelFiles = {};
  const visit = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      const name = `${prefix}${entry.name}`;
      if (entry.isDirectory()) visit(full, `${name}/`);
      else if (/\.(json|onnx)$/.test(entry.name)) {
        const { size, mtimeMs } = fs.statSync(full);
        const before = known[name];
        const sha256 = before && before.size === size && before.mtimeMs === mtimeMs ? before.sha256 : crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
        files[name] = { size, mtimeMs, sha256 };
      }
    }
  };
  visit(resolved.folder, '');
  const all = crypto.createHash('sha256');
  for (const [name, file] of Object.entries(files)) all.update(`${name}\0${file.sha256}\n`);
  return { fingerprint: all.digest('hex').slice(0, 16), files };
}
