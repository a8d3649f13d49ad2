/**
 * The matrix of dot products that token alignment reads (answer/similarityMatrix), against
 * plain loops in float64 on seeded random matrices, with the shapes alignment meets: a
 * model's width, a wide passage side, one row, none, and rows taken from inside a larger buffer.
 */
import { describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import { GEMM_MODEL_BASE64, similarityMatrix } from '../../src/core/answer/similarityMatrix.js';
import { seededRandom } from '../../src/core/quiz/random.js';

function randomMatrix(rows: number, dimension: number, random: () => number): Float32Array {
  return Float32Array.from({ length: rows * dimension }, () => random() * 2 - 1);
}

function loops(a: Float32Array, b: Float32Array, dimension: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length / dimension; i++) {
    for (let j = 0; j < b.length / dimension; j++) {
      let s = 0;
      for (let d = 0; d < dimension; d++) s += a[i * dimension + d]! * b[j * dimension + d]!;
      out.push(s);
    }
  }
  return out;
}

describe('similarityMatrix', () => {
  it('runs the graph its comment describes: one Gemm, a · bᵀ, every dimension symbolic', () => {
    const { onnx } = onnxProto;
    const FLOAT = onnx.TensorProto.DataType.FLOAT;
    const matrix = (name: string, rows: string, columns: string) => ({
      name,
      type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: rows }, { dimParam: columns }] } } },
    });
    const model = onnx.ModelProto.create({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 13 }],
      producerName: 'verbatim',
      graph: {
        name: 'similarities',
        input: [matrix('a', 'm', 'k'), matrix('b', 'n', 'k')],
        output: [matrix('similarities', 'm', 'n')],
        node: [{ name: 'gemm', opType: 'Gemm', input: ['a', 'b'], output: ['similarities'], attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }],
      },
    });
    expect(Buffer.from(onnx.ModelProto.encode(model).finish()).toString('base64')).toBe(GEMM_MODEL_BASE64);
  });

  it.each([
    [8, 900, 384],
    [1, 1, 384],
    [3, 7, 100],
    [5, 2, 3],
  ])('gives the %i × %i dot products of rows of %i as loops do', async (m, n, dimension) => {
    const random = seededRandom(m * 1000 + n);
    const a = randomMatrix(m, dimension, random);
    const b = randomMatrix(n, dimension, random);
    const got = await similarityMatrix(a, b, dimension);
    const want = loops(a, b, dimension);
    expect(got.length).toBe(m * n);
    // Float32 accumulation over `dimension` products of numbers in [-1, 1].
    got.forEach((v, k) => expect(Math.abs(v - want[k]!)).toBeLessThan(1e-5 * dimension));
  });

  it('reads rows from a view into a larger buffer, not from the buffer start', async () => {
    const buffer = Float32Array.from([9, 9, 9, 1, 2, 3, 4, 5, 6, 9, 9, 9]);
    const got = await similarityMatrix(Float32Array.from([1, 0, 0, 0, 0, 1]), buffer.subarray(3, 9), 3);
    expect(Array.from(got)).toEqual([1, 4, 3, 6]);
  });

  it('gives an empty matrix when either side has no row, and refuses lengths that are not whole rows', async () => {
    expect((await similarityMatrix(new Float32Array(0), new Float32Array(6), 3)).length).toBe(0);
    expect((await similarityMatrix(new Float32Array(6), new Float32Array(0), 3)).length).toBe(0);
    await expect(similarityMatrix(new Float32Array(4), new Float32Array(6), 3)).rejects.toThrow(/whole rows of 3/);
    await expect(similarityMatrix(new Float32Array(3), new Float32Array(3), 0)).rejects.toThrow(RangeError);
  });
});
