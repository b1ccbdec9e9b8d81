// The visualizer page's in-page RNN (the "webgpu" backend option) in real Chromium: onnxruntime-web's WebGPU build
// on the SwiftShader software adapter vs its wasm provider, on every PyTorch RNN fixture the page can express
// (explicit weights, zero initial state, no proj_size): both must match each other within 1e-4 and PyTorch's numbers
// within 1e-4; without WebGPU the page falls back to wasm and says so. Correctness only — SwiftShader says nothing
// about speed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { RnnRunRequest, RnnRunResponse, ToWebview } from '../../webview/protocol';
import { post, ROOT, sent, startHarness, type Harness } from './harness';

const CASES = join(ROOT, 'test/fixtures/rnn/cases');
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

interface Spec {
  module: { type: 'LSTM' | 'GRU' | 'RNN'; input_size: number; hidden_size: number; num_layers: number; bias: boolean; batch_first: boolean; bidirectional: boolean; nonlinearity?: string; proj_size?: number };
  state_dict?: Record<string, { shape: number[]; data: number[] }>;
  input: { shape: number[]; data: number[] };
  lengths: number[] | null;
  hx: unknown;
}
interface Expected { output: { shape: number[]; data: number[] }; h_n: { shape: number[]; data: number[] }; c_n?: { shape: number[]; data: number[] } }

/** The fixture as a page request: time-major input, lengths in the caller's order (T for unpacked runs). */
function toRequest(spec: Spec): RnnRunRequest {
  const m = spec.module;
  let [T, B, F] = spec.input.shape;
  let x = spec.input.data;
  if (m.batch_first) {
    [B, T, F] = spec.input.shape;
    x = new Array<number>(T * B * F);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) x[(t * B + b) * F + f] = spec.input.data[(b * T + t) * F + f];
  }
  const mode = m.type === 'RNN' ? (m.nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH') : m.type;
  const weights: RnnRunRequest['weights'] = {};
  for (const [k, v] of Object.entries(spec.state_dict ?? {})) weights[k] = { kind: 'tensor', shape: v.shape, dtype: 'float32', data: v.data };
  return { mode, inputSize: m.input_size, hiddenSize: m.hidden_size, numLayers: m.num_layers, bidirectional: m.bidirectional, weights,
    input: { kind: 'tensor', shape: [T, B, F], dtype: 'float32', data: x }, lengths: spec.lengths ?? new Array<number>(B).fill(T) };
}

/** Max |a − b| between the page's time-major output and PyTorch's (maybe batch-first, maybe longer) output. */
function outputDiff(resp: RnnRunResponse, exp: Expected, batchFirst: boolean): number {
  const [T, B, DH] = resp.output.shape;
  const eShape = exp.output.shape;
  const Te = batchFirst ? eShape[1] : eShape[0];
  let m = 0;
  for (let t = 0; t < Math.max(T, Te); t++) {
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < DH; j++) {
        const got = t < T ? resp.output.data![(t * B + b) * DH + j] : 0;
        const want = t < Te ? exp.output.data[(batchFirst ? (b * Te + t) : (t * B + b)) * DH + j] : 0;
        m = Math.max(m, Math.abs(got - want));
      }
    }
  }
  return m;
}
const flatDiff = (a: readonly number[], b: readonly number[]): number => {
  assert.equal(a.length, b.length);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
};

async function run(page: Page, requestId: number, backend: 'webgpu' | 'wasm', request: RnnRunRequest): Promise<RnnRunResponse> {
  await post(page, { type: 'run-rnn', requestId, backend, request } satisfies ToWebview);
  await page.waitForFunction((id) => (window as unknown as { __sent: { type: string; requestId?: number }[] }).__sent.some((m) => m.requestId === id), requestId, { timeout: 120_000 });
  const reply = (await sent(page)).find((m) => (m.type === 'rnn-result' || m.type === 'rnn-error') && m.requestId === requestId)!;
  if (reply.type === 'rnn-error') throw new Error(`page: ${reply.message}`);
  assert.equal(reply.type, 'rnn-result');
  return (reply as Extract<typeof reply, { type: 'rnn-result' }>).response;
}

const cases = readdirSync(CASES).filter((f) => f.endsWith('.spec.json')).map((f) => f.replace('.spec.json', '')).filter((name) => {
  const spec = JSON.parse(readFileSync(join(CASES, `${name}.spec.json`), 'utf8')) as Spec;
  return !name.startsWith('err_') && spec.state_dict && !spec.hx && !(spec.module.proj_size ?? 0);
});

describe('in-page RNN: WebGPU (SwiftShader) vs wasm vs PyTorch', { timeout: 600_000 }, () => {
  let hx: Harness;
  let page: Page;
  const report: Record<string, { webgpuVsWasm: number; webgpuVsTorch: number; wasmVsTorch: number; webgpuMs: number; wasmMs: number }> = {};
  before(async () => {
    hx = await startHarness(WEBGPU_FLAGS);
    page = await hx.newPage({ allowWasm: true });
  });
  after(async () => {
    await hx?.close();
    mkdirSync(join(ROOT, 'test-results/webview'), { recursive: true });
    writeFileSync(join(ROOT, 'test-results/webview/webgpu-vs-wasm.json'), JSON.stringify(report, null, 1));
    const worst = Math.max(0, ...Object.values(report).map((r) => r.webgpuVsWasm));
    console.log(`# WebGPU vs wasm over ${Object.keys(report).length} cases: max abs diff ${worst.toExponential(2)}`);
  });

  test('the page finds the SwiftShader adapter', async () => {
    const adapter = await page.evaluate(async () => {
      const a = await (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { architecture?: string } } | null> } }).gpu?.requestAdapter();
      return a?.info?.architecture ?? null;
    });
    assert.equal(adapter, 'swiftshader');
  });

  let id = 1;
  for (const name of cases) {
    test(`${name}: webgpu = wasm = PyTorch within 1e-4`, async () => {
      const spec = JSON.parse(readFileSync(join(CASES, `${name}.spec.json`), 'utf8')) as Spec;
      const exp = JSON.parse(readFileSync(join(CASES, `${name}.expected.json`), 'utf8')) as Expected;
      const request = toRequest(spec);
      const gpu = await run(page, id++, 'webgpu', request);
      const cpu = await run(page, id++, 'wasm', request);
      assert.equal(gpu.backend, 'webgpu', `ran on webgpu (${gpu.fallbackReason ?? ''})`);
      assert.equal(cpu.backend, 'wasm');
      assert.match((await page.textContent('.status')) ?? '', /ran on wasm/);
      const webgpuVsWasm = Math.max(flatDiff(gpu.output.data!, cpu.output.data!), flatDiff(gpu.hN.data!, cpu.hN.data!), gpu.cN ? flatDiff(gpu.cN.data!, cpu.cN!.data!) : 0);
      const vsTorch = (r: RnnRunResponse): number => Math.max(outputDiff(r, exp, spec.module.batch_first), flatDiff(r.hN.data!, exp.h_n.data), r.cN && exp.c_n ? flatDiff(r.cN.data!, exp.c_n.data) : 0);
      report[name] = { webgpuVsWasm, webgpuVsTorch: vsTorch(gpu), wasmVsTorch: vsTorch(cpu), webgpuMs: gpu.ms, wasmMs: cpu.ms };
      assert.ok(webgpuVsWasm <= 1e-4, `webgpu vs wasm ${webgpuVsWasm}`);
      assert.ok(report[name].webgpuVsTorch <= 1e-4, `webgpu vs PyTorch ${report[name].webgpuVsTorch}`);
      assert.ok(report[name].wasmVsTorch <= 1e-4, `wasm vs PyTorch ${report[name].wasmVsTorch}`);
    });
  }

  test('the status line says which backend ran (webgpu on the SwiftShader adapter)', async () => {
    const spec = JSON.parse(readFileSync(join(CASES, `${cases[0]}.spec.json`), 'utf8')) as Spec;
    await run(page, id++, 'webgpu', toRequest(spec));
    assert.match((await page.textContent('.status')) ?? '', /ran on webgpu \(google swiftshader\)/);
  });

  test('bad requests come back as one-line errors', async () => {
    const spec = JSON.parse(readFileSync(join(CASES, `${cases[0]}.spec.json`), 'utf8')) as Spec;
    const bad = toRequest(spec);
    bad.lengths = bad.lengths.map(() => 0);
    await assert.rejects(run(page, id++, 'webgpu', bad), /page: lengths must be \d+ integers in 1…\d+/);
  });
});

describe('in-page RNN without WebGPU', { timeout: 120_000 }, () => {
  test('a webgpu request falls back to wasm and says why', async () => {
    const hx = await startHarness(); // no WebGPU flags
    try {
      const page = await hx.newPage({ allowWasm: true });
      const hasAdapter = await page.evaluate(async () => {
        const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
        return gpu ? (await gpu.requestAdapter()) !== null : false;
      });
      const spec = JSON.parse(readFileSync(join(CASES, `${cases[0]}.spec.json`), 'utf8')) as Spec;
      const r = await run(page, 1, 'webgpu', toRequest(spec));
      if (hasAdapter) {
        assert.equal(r.backend, 'webgpu');
      } else {
        assert.equal(r.backend, 'wasm');
        assert.match(r.fallbackReason ?? '', /navigator\.gpu/);
        assert.match((await page.textContent('.status')) ?? '', /WebGPU not used/);
      }
    } finally {
      await hx.close();
    }
  });
});
