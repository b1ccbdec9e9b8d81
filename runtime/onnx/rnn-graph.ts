// Builds the ONNX model (opset 14) for a torch.nn.LSTM / GRU / RNN in code with onnx-proto: one LSTM/GRU/RNN node per
// layer, PyTorch weights reordered to ONNX gate order as initializers, sequence_lens as an int32 input (so each
// sequence runs only its own steps, the reverse direction starting at its own last step), layout=0 (time-major; the
// wasm provider rejects layout=1), and layer k>0 fed with Y transposed/reshaped from (T, D, B, H) to (T, B, D*H).
// No Node-only imports: this file also runs in the webview.
import { onnx } from 'onnx-proto';
import { gateCount, numDirections, type RnnConfig, type RnnModule } from '../rnn/module';

export const OPSET = 14;

/** ONNX gate block j comes from PyTorch gate block order[j]. LSTM: ONNX i,o,f,c vs PyTorch i,f,g,o.
 *  GRU: ONNX z,r,h vs PyTorch r,z,n (with linear_before_reset=1 to match PyTorch's r * (W_hn h + b_hn)). */
export function onnxGateOrder(config: RnnConfig): number[] {
  switch (config.mode) {
    case 'LSTM': return [0, 3, 1, 2];
    case 'GRU': return [1, 0, 2];
    case 'RNN_TANH':
    case 'RNN_RELU':
      return [0];
  }
}

/** Names of the graph's inputs and outputs (the executor feeds / fetches by these). */
export const io = {
  x: 'X',
  sequenceLens: 'sequence_lens',
  h0: (layer: number) => `initial_h_l${layer}`,
  c0: (layer: number) => `initial_c_l${layer}`,
  y: 'Y',
  layerY: (layer: number) => `Y_l${layer}`,
  hN: (layer: number) => `Y_h_l${layer}`,
  cN: (layer: number) => `Y_c_l${layer}`,
};

function reorderRows(src: Float32Array, cols: number, H: number, order: number[], dst: Float32Array, dstOffset: number): void {
  for (let j = 0; j < order.length; j++) {
    const from = order[j] * H * cols;
    dst.set(src.subarray(from, from + H * cols), dstOffset + j * H * cols);
  }
}

function floatInit(name: string, dims: number[], data: Float32Array): onnx.ITensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function int64Init(name: string, values: number[]): onnx.ITensorProto {
  return { name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: values };
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

const attrInt = (name: string, i: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
const attrString = (name: string, s: string): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(s) });
const attrStrings = (name: string, ss: string[]): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.STRINGS, strings: ss.map((s) => new TextEncoder().encode(s)) });

/** The serialized ModelProto. Throws for configurations ONNX cannot express (proj_size > 0). */
export function buildRnnModel(module: RnnModule): Uint8Array {
  const c = module.config;
  if (c.projSize > 0) throw new Error('ONNX LSTM has no projection (proj_size); use the reference backend');
  const D = numDirections(c);
  const H = c.hiddenSize;
  const G = gateCount(c.mode);
  const order = onnxGateOrder(c);
  const F = DataTypeFloat();
  const nodes: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  const inputs: onnx.IValueInfoProto[] = [valueInfo(io.x, F, ['T', 'B', c.inputSize]), valueInfo(io.sequenceLens, onnx.TensorProto.DataType.INT32, ['B'])];
  const outputs: onnx.IValueInfoProto[] = [];
  initializer.push(int64Init('reshape_TB_1', [0, 0, -1]));
  let x = io.x;
  for (let layer = 0; layer < c.numLayers; layer++) {
    const inSize = layer === 0 ? c.inputSize : D * H;
    const W = new Float32Array(D * G * H * inSize);
    const R = new Float32Array(D * G * H * H);
    const Bias = c.bias ? new Float32Array(D * 2 * G * H) : null;
    for (let d = 0; d < D; d++) {
      const sfx = `l${layer}${d === 1 ? '_reverse' : ''}`;
      const w = (n: string): Float32Array => module.weights.get(`${n}_${sfx}`)!.data as Float32Array;
      reorderRows(w('weight_ih'), inSize, H, order, W, d * G * H * inSize);
      reorderRows(w('weight_hh'), H, H, order, R, d * G * H * H);
      if (Bias) {
        reorderRows(w('bias_ih'), 1, H, order, Bias, d * 2 * G * H);
        reorderRows(w('bias_hh'), 1, H, order, Bias, d * 2 * G * H + G * H);
      }
    }
    initializer.push(floatInit(`W_l${layer}`, [D, G * H, inSize], W), floatInit(`R_l${layer}`, [D, G * H, H], R));
    if (Bias) initializer.push(floatInit(`B_l${layer}`, [D, 2 * G * H], Bias));
    inputs.push(valueInfo(io.h0(layer), F, [D, 'B', H]));
    if (c.mode === 'LSTM') inputs.push(valueInfo(io.c0(layer), F, [D, 'B', H]));
    const attrs: onnx.IAttributeProto[] = [attrInt('hidden_size', H), attrString('direction', D === 2 ? 'bidirectional' : 'forward'), attrInt('layout', 0)];
    let opType: string;
    const nodeInputs = [x, `W_l${layer}`, `R_l${layer}`, Bias ? `B_l${layer}` : '', io.sequenceLens, io.h0(layer)];
    const nodeOutputs = [io.layerY(layer), io.hN(layer)];
    switch (c.mode) {
      case 'LSTM':
        opType = 'LSTM';
        nodeInputs.push(io.c0(layer));
        nodeOutputs.push(io.cN(layer));
        break;
      case 'GRU':
        opType = 'GRU';
        attrs.push(attrInt('linear_before_reset', 1));
        break;
      case 'RNN_TANH':
      case 'RNN_RELU':
        opType = 'RNN';
        attrs.push(attrStrings('activations', new Array<string>(D).fill(c.mode === 'RNN_TANH' ? 'Tanh' : 'Relu')));
        break;
    }
    nodes.push({ opType, name: `${opType}_l${layer}`, input: nodeInputs, output: nodeOutputs, attribute: attrs });
    // (T, D, B, H) → (T, B, D, H) → (T, B, D*H)
    nodes.push({ opType: 'Transpose', name: `transpose_l${layer}`, input: [io.layerY(layer)], output: [`Y_TBDH_l${layer}`], attribute: [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 2, 1, 3] }] });
    const next = layer === c.numLayers - 1 ? io.y : `X_l${layer + 1}`;
    nodes.push({ opType: 'Reshape', name: `reshape_l${layer}`, input: [`Y_TBDH_l${layer}`, 'reshape_TB_1'], output: [next] });
    outputs.push(valueInfo(io.layerY(layer), F, ['T', D, 'B', H]), valueInfo(io.hN(layer), F, [D, 'B', H]));
    if (c.mode === 'LSTM') outputs.push(valueInfo(io.cN(layer), F, [D, 'B', H]));
    x = next;
  }
  outputs.unshift(valueInfo(io.y, F, ['T', 'B', D * H]));
  const model: onnx.IModelProto = {
    irVersion: 7,
    producerName: 'rnn-lens',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: { name: 'rnn', node: nodes, initializer, input: inputs, output: outputs },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

function DataTypeFloat(): number {
  return onnx.TensorProto.DataType.FLOAT;
}
