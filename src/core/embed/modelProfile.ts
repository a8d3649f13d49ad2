/**
 * How a model turns token vectors into a sentence vector, as its own card says: pooling,
 * normalisation, the prefixes it was trained with, how many tokens it reads. A converted model
 * carries it in `profile.json` (written by scripts/model-build/convert.py); a model without one
 * (a Hugging Face id downloaded by transformers.js) gets the defaults of its family. The index
 * manifest records the profile in force, so an index built under another one is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { VerbatimError } from '../errors.js';

export const PROFILE_FILE = 'profile.json';

const profileSchema = z
  .object({
    /** An encoder makes sentence vectors; a reranker scores (query, passage) pairs. */
    kind: z.enum(['encoder', 'reranker']),
    /** Sentence vector: the mean of the token vectors over the attention mask, or the first ([CLS]) token's. */
    pooling: z.enum(['mean', 'cls']).default('mean'),
    normalize: z.boolean().default(true),
    queryPrefix: z.string().default(''),
    passagePrefix: z.string().default(''),
    /** Tokens the model reads before truncating (its training length, often under the position limit). */
    maxTokens: z.number().int().positive().optional(),
  })
  .strict();

export type ModelProfile = z.infer<typeof profileSchema>;

/** The profile.json in a model folder, checked; undefined when the folder has none. */
export function readModelProfile(folder: string | undefined): ModelProfile | undefined {
  if (!folder) return undefined;
  const file = path.join(folder, PROFILE_FILE);
  if (!fs.existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new VerbatimError('MODEL_LOAD_FAILED', `The model profile ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new VerbatimError('MODEL_LOAD_FAILED', `The model profile ${file} is not valid (${issues}). Rebuild the model with \`npm run build-model -- <name>\`.`);
  }
  return parsed.data;
}

/**
 * What the model cards of common retrieval models ask for, for a model without profile.json:
 * bge (English) reads [CLS] and wants an instruction before questions; e5 wants "query: " and
 * "passage: "; sentence-transformers models mean-pool without prefixes.
 */
export function familyProfile(model: string): ModelProfile {
  const id = model.toLowerCase();
  if (/bge-.*-en/.test(id)) return { kind: 'encoder', pooling: 'cls', normalize: true, queryPrefix: 'Represent this sentence for searching relevant passages: ', passagePrefix: '' };
  if (/(^|\/)(multilingual-)?e5-/.test(id)) return { kind: 'encoder', pooling: 'mean', normalize: true, queryPrefix: 'query: ', passagePrefix: 'passage: ' };
  return { kind: 'encoder', pooling: 'mean', normalize: true, queryPrefix: '', passagePrefix: '' };
}

/** The profile in force: the folder's profile.json or the family's, with prefixes the caller set on top. */
export function effectiveProfile(model: string, folder: string | undefined, overrides: { queryPrefix?: string; passagePrefix?: string } = {}): ModelProfile {
  const base = readModelProfile(folder) ?? familyProfile(model);
  return {
    ...base,
    ...(overrides.queryPrefix !== undefined ? { queryPrefix: overrides.queryPrefix } : {}),
    ...(overrides.passagePrefix !== undefined ? { passagePrefix: overrides.passagePrefix } : {}),
  };
}

/** Equal profiles, whatever the order of their keys (a manifest read back from JSON). */
export function sameProfile(a: ModelProfile | undefined, b: ModelProfile | undefined): boolean {
  const canonical = (p: ModelProfile | undefined) => (p ? JSON.stringify(Object.keys(p).sort().map((k) => [k, p[k as keyof ModelProfile]])) : '');
  return canonical(a) === canonical(b);
}
