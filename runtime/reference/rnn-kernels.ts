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

/** xProj[t, b, :] = W_ih x[t, b] + b_ih for every step the sequence runs (float32, like PyTorch's input GEMM). */
function inputProjection(inp: DirectionInput, w: DirectionWeights, G: number): Float32Array {
  const { x, T, B, inSize, lengths } = inp;
  const out = new Float32Array(T * B * G);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (t >= lengths[b]) continue;
      const xo = (t * B + b) * inSize;
      const oo = (t * B + b) * G;
      for (let g = 0; g < G; g++) {
        const wo = g * inSize;
        let s = w.bih ? w.bih[g] : 0;
        for (let k = 0; k < inSize; k++) s += w.wih[wo + k] * x[xo + k];
        out[oo + g] = s;
      }
    }
  }
  return out;
}

/** Runs one layer in one direction. */
export function runDirection(inp: DirectionInput, w: DirectionWeights): DirectionOutput {
  const { mode, hiddenSize: H, projSize: P, T, B, lengths, reverse } = inp;
  const R = P > 0 ? P : H;
  const G = (mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1) * H;
  const xProj = inputProjection(inp, w, G);
  const h = Float32Array.from(inp.h0);
  const c = inp.c0 ? Float32Array.from(inp.c0) : null;
  const y = new Float32Array(T * B * R);
  const hidden = new Float64Array(G); // W_hh h + b_hh for one sequence
  const hPre = new Float64Array(H); // LSTM output before projection
  for (let step = 0; step < T; step++) {
    const t = reverse ? T - 1 - step : step;
    for (let b = 0; b < B; b++) {
      if (t >= lengths[b]) continue; // this sequence has ended (forward) / not started yet (reverse)
      const ho = b * R;
      for (let g = 0; g < G; g++) {
        const wo = g * R;
        let s = w.bhh ? w.bhh[g] : 0;
        for (let k = 0; k < R; k++) s += w.whh[wo + k] * h[ho + k];
        hidden[g] = s;
      }
      const xo = (t * B + b) * G;
      const yo = (t * B + b) * R;
      switch (mode) {
        case 'LSTM': {
          const co = b * H;
          for (let j = 0; j < H; j++) {
            const i = sigmoid(xProj[xo + j] + hidden[j]);
            const f = sigmoid(xProj[xo + H + j] + hidden[H + j]);
            const gg = Math.tanh(xProj[xo + 2 * H + j] + hidden[2 * H + j]);
            const o = sigmoid(xProj[xo + 3 * H + j] + hidden[3 * H + j]);
            const cNew = Math.fround(f * c![co + j] + i * gg);
            c![co + j] = cNew;
            hPre[j] = Math.fround(o * Math.tanh(cNew));
          }
          if (P > 0) {
            for (let p = 0; p < P; p++) {
              let s = 0;
              for (let j = 0; j < H; j++) s += w.whr![p * H + j] * hPre[j];
              h[ho + p] = s;
            }
          } else {
            for (let j = 0; j < H; j++) h[ho + j] = hPre[j];
          }
          break;
        }
        case 'GRU': {
          for (let j = 0; j < H; j++) {
            const r = sigmoid(xProj[xo + j] + hidden[j]);
            const z = sigmoid(xProj[xo + H + j] + hidden[H + j]);
            const n = Math.tanh(xProj[xo + 2 * H + j] + r * hidden[2 * H + j]);
            hPre[j] = (1 - z) * n + z * h[ho + j];
          }
          for (let j = 0; j < H; j++) h[ho + j] = hPre[j];
          break;
        }
        case 'RNN_TANH':
          for (let j = 0; j < H; j++) h[ho + j] = Math.tanh(xProj[xo + j] + hidden[j]);
          break;
        case 'RNN_RELU':
          for (let j = 0; j < H; j++) h[ho + j] = Math.max(0, xProj[xo + j] + hidden[j]);
          break;
      }
      y.set(h.subarray(ho, ho + R), yo);
    }
  }
  return { y, hN: h, cN: c };
}
