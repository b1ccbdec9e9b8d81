// A small typed-array tensor: shape + dtype + flat row-major data. Deliberately not a framework: no strides, no
// autograd, no broadcasting here (ops live in runtime/torch/). Used by the packing code, the RNN backends, the
// interpreter (for small known values) and the Step model.

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool' | 'uint8';

/** PyTorch's scalar type name of a dtype, as its C++ messages print it (`Long`, `Float`, …). */
export function torchDTypeName(d: DType): string {
  switch (d) {
    case 'float32': return 'Float';
    case 'float64': return 'Double';
    case 'int64': return 'Long';
    case 'int32': return 'Int';
    case 'bool': return 'Bool';
    case 'uint8': return 'Byte';
  }
}

/** Storage per dtype. int64 is held in a Float64Array: exact for every integer up to 2^53, which covers
 *  lengths, indices and token ids; values beyond that are not produced by anything RNN Lens runs. */
export type TensorData = Float32Array | Float64Array | Int32Array | Uint8Array;

export function allocate(dtype: DType, size: number): TensorData {
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
    case 'bool': return new Uint8Array(size);
    case 'uint8': return new Uint8Array(size);
  }
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export class Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: TensorData;

  constructor(shape: readonly number[], dtype: DType, data?: TensorData | ArrayLike<number>) {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new RangeError(`invalid tensor shape [${shape.join(', ')}]`);
    }
    this.shape = [...shape];
    this.dtype = dtype;
    const n = numel(shape);
    if (data === undefined) {
      this.data = allocate(dtype, n);
    } else {
      if (data.length !== n) {
        throw new RangeError(`tensor of shape [${shape.join(', ')}] needs ${n} values, got ${data.length}`);
      }
      const store = allocate(dtype, n);
      if (dtype === 'int64' || dtype === 'int32') {
        for (let i = 0; i < n; i++) store[i] = Math.trunc(data[i]);
      } else if (dtype === 'bool') {
        for (let i = 0; i < n; i++) store[i] = data[i] ? 1 : 0;
      } else {
        store.set(data as ArrayLike<number>);
      }
      this.data = store;
    }
  }

  get ndim(): number {
    return this.shape.length;
  }

  get numel(): number {
    return this.data.length;
  }

  /** Flat row-major values as a plain array (for JSON). */
  toArray(): number[] {
    return Array.from(this.data);
  }

  /** Row-major index of a multi-index. */
  offset(index: readonly number[]): number {
    let off = 0;
    for (let i = 0; i < this.shape.length; i++) off = off * this.shape[i] + index[i];
    return off;
  }

  get(...index: number[]): number {
    return this.data[this.offset(index)];
  }

  static zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return new Tensor(shape, dtype);
  }

  static fromNested(nested: unknown, dtype: DType): Tensor {
    const shape: number[] = [];
    let probe: unknown = nested;
    while (Array.isArray(probe)) {
      shape.push(probe.length);
      probe = probe[0];
    }
    const flat: number[] = [];
    const walk = (v: unknown, depth: number): void => {
      if (depth === shape.length) {
        if (typeof v !== 'number' && typeof v !== 'boolean') throw new TypeError('tensor data must be numbers');
        flat.push(Number(v));
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[depth]) {
        throw new RangeError(`ragged nested list: expected a sequence of length ${shape[depth]} at dim ${depth}`);
      }
      for (const x of v) walk(x, depth + 1);
    };
    walk(nested, 0);
    return new Tensor(shape, dtype, flat);
  }
}

/** PyTorch's torch.nn.utils.rnn.PackedSequence: time-major interleaved rows plus the bookkeeping to undo it. */
export interface PackedSequence {
  readonly data: Tensor;
  /** batch_sizes[t] = how many sequences are still running at time step t (always int64, on CPU). */
  readonly batchSizes: readonly number[];
  /** null when packed with enforce_sorted=True (PyTorch stores None). */
  readonly sortedIndices: readonly number[] | null;
  readonly unsortedIndices: readonly number[] | null;
}

export function formatShape(shape: readonly (number | string | null)[]): string {
  if (shape.length === 1) return `(${shape[0] ?? '?'},)`;
  return `(${shape.map((d) => (d === null ? '?' : String(d))).join(', ')})`;
}
