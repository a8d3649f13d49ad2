/** Folders the project ships, resolved from this file so commands work from any working directory. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_CORPUS_DIR = path.join(PROJECT_ROOT, 'corpus');
export const DEFAULT_INDEX_DIR = path.join(PROJECT_ROOT, 'embeddings');
export const BUNDLED_MODELS_DIR = path.join(PROJECT_ROOT, 'models');
/** Where downloaded models and indexes of other corpora (`--doc`, `--corpus`) are cached. */
export const DEFAULT_CACHE_DIR = path.join(PROJECT_ROOT, '.cache');
/** The sentence encoder that ships with the project and is used unless EMBEDDING_MODEL says otherwise (see models/all-minilm-l6-v2/README.md). */
export const BUNDLED_MODEL = 'all-minilm-l6-v2';
/** The word-vector table behind word-level meaning (see core/words/wordVectors). */
export const BUNDLED_WORD_VECTORS = path.join(BUNDLED_MODELS_DIR, 'glove-words-100d');
