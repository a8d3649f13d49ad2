/**
 * Every row of one matrix against every row of another (dot products; cosines for the unit
 * token vectors that alignment compares), as one matrix product in ONNX Runtime, which the
 * encoder has already loaded. Aligning a question with its 30 candidate sentences is about
 * 8 × 900 rows of 384 numbers, 2.8 million multiply-adds: 3.4 to 5 ms as JavaScript loops
 * (V8 does not vectorise them), 0.1 ms through ONNX Runtime's Gemm on one thread (measured
 * on this project's 2-core machine). That was about 40% of a warm answer's time on the
 * bundled document (3.3 of ~8 ms).
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';

/**
 * The graph, as ONNX bytes (IR 7, opset 13): one Gemm node, similarities[m, n] =
 * a[m, k] · b[n, k]ᵀ (transB = 1), every dimension symbolic, so one session serves any
 * model's width. Kept as bytes so that answering needs no protobuf library: building them
 * at run time cost 30 ms of the first answer. test/core/similarityMatrix.test.ts builds the
 * graph from this description with onnx-proto and requires these exact bytes.
 */
export const GEMM_MODEL_BASE64 =
  'CAcSCHZlcmJhdGltOo8BCi8KAWEKAWISDHNpbWlsYXJpdGllcxoEZ2VtbSIER2VtbSoNCgZ0cmFuc0IYAaABAhIMc2ltaWxhcml0aWVzWhUKAWESEAoOCAESCgoDEgFtCgMSAWtaFQoBYhIQCg4IARIKCgMSAW4KAxIBa2IgCgxzaW1pbGFyaXRpZXMSEAoOCAESCgoDEgFtCgMSAW5CBAoAEA0=';

/** The part of onnxruntime-node used here. */
interface Runtime {
  InferenceSession: typeof InferenceSession;
  Tensor: typeof Tensor;
}

interface Gemm {
  ort: Runtime;
  session: InferenceSession;
}

let gemm: Promise<Gemm> | null = null;

/**
 * One session per process, on one thread: the product is too small to share out. The
 * runtime is imported on first use, like the encoder (embed/loadEmbedder), so importing the
 * engine does not load a native library. A failed start is retried at the next call.
 */
function gemmSession(): Promise<Gemm> {
  gemm ??= (async () => {
    const module = await import('onnxruntime-node');
    // onnxruntime-node is CommonJS: its API is the default export under ESM, as transformers.js reads it.
    const ort: Runtime = module.default ?? module;
    const session = await ort.InferenceSession.create(Buffer.from(GEMM_MODEL_BASE64, 'base64'), { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    return { ort, session };
  })().catch((error: unknown) => {
    gemm = null;
    throw error;
  });
  return gemm;
}

/**
 * `a` ([m, dimension], row by row) against `b` ([n, dimension]): the [m, n] matrix of
 * their rows' dot products, row by row. Accumulated in float32, so it agrees with a float64
 * loop to about 1e-7 for unit vectors.
 */
export async function similarityMatrix(a: Float32Array, b: Float32Array, dimension: number): Promise<Float32Array> {
  if (!Number.isInteger(dimension) || dimension <= 0 || a.length % dimension !== 0 || b.length % dimension !== 0) {
    throw new RangeError(`similarityMatrix: lengths ${a.length} and ${b.length} are not whole rows of ${dimension}`);
  }
  const m = a.length / dimension;
  const n = b.length / dimension;
  if (m === 0 || n === 0) return new Float32Array(m * n);
  const { ort, session } = await gemmSession();
  const out = await session.run({ a: new ort.Tensor('float32', a, [m, dimension]), b: new ort.Tensor('float32', b, [n, dimension]) });
  return out.similarities!.data as Float32Array;
}
