/**
 * A shared model that embeds each question once. A server's answer asks each of its
 * documents' engines, and every engine embeds the question: with one model shared by all,
 * the first embedding serves the rest (with a transformer model, that is tens of
 * milliseconds saved per document). Its fingerprint is worked out once too: every document
 * index checks it when it loads, and reading the model's files each time cost 14 ms of a
 * 25 ms load; the loaded model does not change while it is loaded. Everything but `embed`,
 * `fingerprint` and `dispose` is the model's own. A question's token states come with its
 * vector (encodeQuery), so they are remembered too.
 */
import type { Embedder } from './loadEmbedder.js';

/** Questions remembered; an answer asks all its engines within milliseconds, so a few suffice. */
export const QUERY_CACHE_SIZE = 64;

export function memoizeQueries(embedder: Embedder, capacity = QUERY_CACHE_SIZE): Embedder {
  const cache = new Map<string, ReturnType<Embedder['encodeQuery']>>();
  const memo = Object.create(embedder) as Embedder;
  memo.encodeQuery = (text) => {
    let encoded = cache.get(text);
    if (!encoded) {
      encoded = embedder.encodeQuery(text);
      cache.set(text, encoded);
      encoded.catch(() => cache.delete(text));
      for (const key of cache.keys()) {
        if (cache.size <= capacity) break;
        cache.delete(key);
      }
    }
    return encoded;
  };
  memo.embed = async (texts, kind) => {
    if (kind !== 'query' || texts.length !== 1) return embedder.embed(texts, kind);
    return [(await memo.encodeQuery(texts[0]!)).vector];
  };
  let fingerprint: ReturnType<Embedder['fingerprint']> | null = null;
  memo.fingerprint = () => (fingerprint ??= embedder.fingerprint());
  // The engine that loaded the model disposes it.
  memo.dispose = async () => {};
  return memo;
}
