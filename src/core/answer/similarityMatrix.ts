/**
 * Every row of one matrix against every row of another (dot products; cosines for the unit
 * token vectors that alignment compares), as one matrix product in ONNX Runtime, which the
 * encoder has already loaded. Aligning a question with its 30 candidate sentences is about
 * 8 × 900 rows of 384 numbers, 2.8 million multiply-adds: 3.4 to 5 ms as JavaScript loops
 * (V8 does not vectorise them), 0.1 ms through ONNX Runtime's Gemm on one thread (measured
 * on this project's 2-core machine). That was most of a warm answer's time.
 */
import onnxProto from 'onnx-proto';
import ortModule, { type InferenceSession } from 'onnxruntime-node';

// onnxruntime-node is CommonJS: its API is the default export under ESM, as transformers.js reads it.
const ort = ((ortModule as unknown as { default?: typeof ortModule }).default ?? ortModule) as typeof ortModule;
const { onnx } = onnxProto;

/**
 * The graph: similarities[m, n] = a[m, k] · b[n, k]ᵀ (Gemm with transB), every dimension
 * symbolic, so one session serves any model's width. Built here rather than shipped as a
 * file: it is three lines of ONNX, and nothing on disk can go stale or missing.
 */
function gemmModel(): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const matrix = (name: string, rows: string, columns: string) => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: rows }, { dimParam: columns }] } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'verbatim src/core/answer/similarityMatrix.ts',
    graph: {
      name: 'similarities',
      input: [matrix('a', 'm', 'k'), matrix('b', 'n', 'k')],
      output: [matrix('similarities', 'm', 'n')],
      node: [{ name: 'gemm', opType: 'Gemm', input: ['a', 'b'], output: ['similarities'], attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

let session: Promise<InferenceSession> | null = null;

/** One session per process; one thread, as the product is too small to share out. A failed start is retried at the next call. */
function gemmSession(): Promise<InferenceSession> {
  session ??= ort.InferenceSession.create(gemmModel(), { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' }).catch((error: unknown) => {
    session = null;
    throw error;
  });
  return session;
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
  const gemm = await gemmSession();
  const out = await gemm.run({ a: new ort.Tensor('float32', a, [m, dimension]), b: new ort.Tensor('float32', b, [n, dimension]) });
  return out.similarities!.data as Float32Array;
}
