/**
 * A shared model that embeds each question once. A server's answer asks each of its
 * documents' engines, and every engine embeds the question: with one model shared by all,
 * the first embedding serves the rest (with a transformer model, that is tens of
 * milliseconds saved per document). Its fingerprint is worked out once too: every document
 * index checks it when it loads, and reading the model's files each time cost 14 ms of a
 * 25 ms load; the loaded model does not change while it is loaded. Everything but `embed`,
 * `fingerprint` and `dispose` is the model's own.
 */
import type { Embedder } from './loadEmbedder.js';

/** Questions remembered; an answer asks all its engines within milliseconds, so a few suffice. */
export const QUERY_CACHE_SIZE = 64;

export function memoizeQueries(embedder: Embedder, capacity = QUERY_CACHE_SIZE): Embedder {
  const cache = new Map<string, Promise<Float32Array>>();
  const memo = Object.create(embedder) as Embedder;
  memo.embed = async (texts, kind) => {
    if (kind !== 'query' || texts.length !== 1) return embedder.embed(texts, kind);
    const text = texts[0]!;
    let vector = cache.get(text);
    if (!vector) {
      vector = embedder.embed([text], 'query').then((v) => v[0]!);
      cache.set(text, vector);
      vector.catch(() => cache.delete(text));
      for (const key of cache.keys()) {
        if (cache.size <= capacity) break;
        cache.delete(key);
      }
    }
    return [await vector];
  };
  let fingerprint: ReturnType<Embedder['fingerprint']> | null = null;
  memo.fingerprint = () => (fingerprint ??= embedder.fingerprint());
  // The engine that loaded the model disposes it.
  memo.dispose = async () => {};
  return memo;
}
