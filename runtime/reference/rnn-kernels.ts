// Plain TypeScript LSTM / GRU / RNN kernels: one layer and one direction over a time-major padded batch with
// per-sequence lengths (the packed semantics: a sequence only runs its own steps; the reverse direction starts at
// its own last step). Readable first; float32 storage with float64 accumulation keeps them within ~1e-6 of PyTorch.
// Also the only backend for what onnxruntime lacks (LSTM proj_size).
import type { RnnMode } from '../rnn/module';

export interface DirectionWeights {
  /** [G*H, inSize] row-major, PyTorch gate order (LSTM i,f,g,o; GRU r,z,n). */
  wih: Float32Array;
  /** [G*H, R] */
  whh: Float32Array;
  /** [G*H] or null when bias=False */
  bih: Float32Array | null;
  bhh: Float32Array | null;
  /** [P, H] LSTM projection or null */
  whr: Float32Array | null;
}

export interface DirectionInput {
  mode: RnnMode;
  hiddenSize: number;
  /** proj_size (0 = none) */
  projSize: number;
  /** x: [T, B, inSize] time-major, padded positions ignored */
  x: Float32Array;
  T: number;
  B: number;
  inSize: number;
  /** lengths[b] ≤ T: how many steps sequence b runs */
  lengths: Int32Array;
  reverse: boolean;
  /** [B, R] initial hidden state */
  h0: Float32Array;
  /** [B, H] initial cell state (LSTM) */
  c0: Float32Array | null;
}

export interface DirectionOutput {
  /** [T, B, R]; padded positions are 0 */
  y: Float32Array;
  /** [B, R] state after each sequence's own last step */
  hN: Float32Array;
  /** [B, H] (LSTM) */
  cN: Float32Array | null;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** out[r, g] = bias[g] + Σ_k w[g, k] · x[r, k] for the rows r listed in `rows` (each weight row is reused across a
 *  block of 16 input rows, which keeps it in cache). Accumulates in float64, stores float32 like a float32 GEMM. */
function rowsTimesWeightsT(x: Float32Array, rows: Int32Array, inSize: number, w: Float32Array, bias: Float32Array | null, G: number, out: Float32Array): void {
  const BLOCK = 16;
  for (let r0 = 0; r0 < rows.length; r0 += BLOCK) {
    const r1 = Math.min(rows.length, r0 + BLOCK);
    for (let g = 0; g < G; g++) {
      const wo = g * inSize;
      const b0 = bias ? bias[g] : 0;
      for (let ri = r0; ri < r1; ri++) {
        const row = rows[ri];
        const xo = row * inSize;
        // four partial sums: fewer loop-carried dependencies for V8's JIT
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let k = 0;
        for (; k + 3 < inSize; k += 4) {
          s0 += w[wo + k] * x[xo + k];
          s1 += w[wo + k + 1] * x[xo + k + 1];
          s2 += w[wo + k + 2] * x[xo + k + 2];
          s3 += w[wo + k + 3] * x[xo + k + 3];
        }
        for (; k < inSize; k++) s0 += w[wo + k] * x[xo + k];
        out[row * G + g] = b0 + (s0 + s1 + (s2 + s3));
      }
    }
  }
}

/** Runs one layer in one direction. */
export function runDirection(inp: DirectionInput, w: DirectionWeights): DirectionOutput {
  const { mode, hiddenSize: H, projSize: P, T, B, lengths, reverse, x, inSize } = inp;
  const R = P > 0 ? P : H;
  const G = (mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1) * H;
  // input projection W_ih x + b_ih for every (t, b) the sequence runs, as PyTorch's one big input GEMM does
  const runRows: number[] = [];
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (t < lengths[b]) runRows.push(t * B + b);
  const xProj = new Float32Array(T * B * G);
  rowsTimesWeightsT(x, Int32Array.from(runRows), inSize, w.wih, w.bih, G, xProj);
  const h = Float32Array.from(inp.h0);
  const c = inp.c0 ? Float32Array.from(inp.c0) : null;
  const y = new Float32Array(T * B * R);
  const hidden = new Float32Array(B * G); // W_hh h + b_hh per sequence (float32, as PyTorch's hidden GEMM)
  const hPre = new Float64Array(H); // LSTM output before projection
  const whr = w.whr;
  const active = new Int32Array(B);
  for (let step = 0; step < T; step++) {
    const t = reverse ? T - 1 - step : step;
    // sequences running at t (forward: not ended yet; reverse: already started at their own last step)
    let n = 0;
    for (let b = 0; b < B; b++) if (t < lengths[b]) active[n++] = b;
    if (n === 0) continue;
    rowsTimesWeightsT(h, active.subarray(0, n), R, w.whh, w.bhh, G, hidden);
    for (let ai = 0; ai < n; ai++) {
      const b = active[ai];
      const ho = b * R;
      const hg = b * G;
      const xo = (t * B + b) * G;
      switch (mode) {
        case 'LSTM': {
          const co = b * H;
          for (let j = 0; j < H; j++) {
            const i = sigmoid(xProj[xo + j] + hidden[hg + j]);
            const f = sigmoid(xProj[xo + H + j] + hidden[hg + H + j]);
            const gg = Math.tanh(xProj[xo + 2 * H + j] + hidden[hg + 2 * H + j]);
            const o = sigmoid(xProj[xo + 3 * H + j] + hidden[hg + 3 * H + j]);
            const cNew = Math.fround(f * c![co + j] + i * gg);
            c![co + j] = cNew;
            hPre[j] = Math.fround(o * Math.tanh(cNew));
          }
          if (whr) {
            for (let p = 0; p < P; p++) {
              let s = 0;
              for (let j = 0; j < H; j++) s += whr[p * H + j] * hPre[j];
              h[ho + p] = s;
            }
          } else {
            for (let j = 0; j < H; j++) h[ho + j] = hPre[j];
          }
          break;
        }
        case 'GRU': {
          for (let j = 0; j < H; j++) {
            const r = sigmoid(xProj[xo + j] + hidden[hg + j]);
            const z = sigmoid(xProj[xo + H + j] + hidden[hg + H + j]);
            const nn = Math.tanh(xProj[xo + 2 * H + j] + r * hidden[hg + 2 * H + j]);
            hPre[j] = (1 - z) * nn + z * h[ho + j];
          }
          for (let j = 0; j < H; j++) h[ho + j] = hPre[j];
          break;
        }
        case 'RNN_TANH':
          for (let j = 0; j < H; j++) h[ho + j] = Math.tanh(xProj[xo + j] + hidden[hg + j]);
          break;
        case 'RNN_RELU':
          for (let j = 0; j < H; j++) h[ho + j] = Math.max(0, xProj[xo + j] + hidden[hg + j]);
          break;
      }
      y.set(h.subarray(ho, ho + R), (t * B + b) * R);
    }
  }
  return { y, hN: h, cN: c };
}
