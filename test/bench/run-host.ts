// `npm run bench:run-host`: how much a Run Selection blocks the extension host's thread, before and after the run
// worker. Each measurement runs in its own process (cold: onnxruntime-web not loaded yet), two runs of the whole of
// examples/pack_chars.py (seed 000: embed → pack → LSTM → unpack) there:
//   inline — the engine and a shared OrtRnnExecutor in the calling thread (what the extension did before), bundled
//            with esbuild like the extension;
//   worker — the extension's RunWorkerClient posting to dist/run-worker.js (`npm run build` first).
// During each run the calling thread's event loop is sampled: perf_hooks.monitorEventLoopDelay (max, p99) and the
// max lateness of a 5 ms interval timer. Rewrites the run-host section of docs/benchmarks.md, adding the figures of
// the last e2e run in the real extension host (test-results/metric-run-host.json) when present, next to a run of the
// same e2e test on the code before the worker (test-results/metric-run-host-before.json or --before-metric FILE).
//   npm run bench:run-host [-- --reps 3] [-- --host-metric FILE --before-metric FILE]   (files: one object or JSON lines)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBenchSection } from './report';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '../..');
const EXAMPLE = 'pack_chars.py';

interface Sample {
  ms: number;
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  timerMaxLateMs: number;
}

interface ChildResult {
  mode: 'inline' | 'worker';
  runs: Sample[];
  stats?: { executorsCreated: number; onnxSessions: number; backendCalls: number; resultsReused: number };
}

async function sample(task: () => Promise<unknown>): Promise<Sample> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let maxLate = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxLate = Math.max(maxLate, now - last - 5);
    last = now;
  }, 5);
  h.enable();
  // the histogram records from its second sample on (also after reset()): give it a baseline before the task starts
  await new Promise((r) => setTimeout(r, 20));
  h.reset();
  await new Promise((r) => setTimeout(r, 10));
  last = performance.now();
  maxLate = 0;
  const t0 = performance.now();
  await task();
  const ms = performance.now() - t0;
  // one more tick so that a block at the very end is seen by the timer too
  await new Promise((r) => setTimeout(r, 6));
  clearInterval(timer);
  h.disable();
  return { ms, loopDelayMaxMs: h.max / 1e6, loopDelayP99Ms: h.percentile(99) / 1e6, timerMaxLateMs: maxLate };
}

async function child(mode: 'inline' | 'worker', bundle: string): Promise<void> {
  const text = readFileSync(join(root, 'examples', EXAMPLE), 'utf8');
  const runs: Sample[] = [];
  const out: ChildResult = { mode, runs };
  // let the process settle (tsx, timers) before sampling
  await new Promise((r) => setTimeout(r, 200));
  if (mode === 'inline') {
    let run: ((t: string, f: string) => Promise<unknown>) | null = null;
    for (let i = 0; i < 2; i++) {
      runs.push(
        await sample(async () => {
          // the first run loads the engine module, as the extension's first Run Selection did
          run ??= ((await import(pathToFileURL(bundle).href)) as { inlineRunner: (p: string) => typeof run }).inlineRunner(pathToFileURL(join(root, 'dist/ort')).href + '/');
          const res = (await run!(text, EXAMPLE)) as { messages: unknown[] };
          if (res.messages.length) throw new Error(JSON.stringify(res.messages));
        }),
      );
    }
  } else {
    const { RunWorkerClient } = await import('../../extension/run/runWorkerClient');
    const client = new RunWorkerClient({ workerPath: join(root, 'dist/run-worker.js'), threads: 1, memoryMb: 1329 });
    for (let i = 0; i < 2; i++) {
      runs.push(
        await sample(async () => {
          const r = await client.run({ job: { kind: 'python', file: EXAMPLE, text }, backend: 'wasm', limits: { timeMs: 60_000 } });
          if (r.output.messages.length) throw new Error(JSON.stringify(r.output.messages));
          out.stats = r.stats;
        }),
      );
    }
    await client.dispose();
  }
  console.log(JSON.stringify(out));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

type HostMetric = {
  first: Sample;
  second: Sample;
  n: number;
  /** from the e2e runs that recorded them: where the first run's time went */
  breakdown: { n: number; ortReadyMs: number; wasm1Ms: number; workerTotalMs: number; visualizerMs: number } | null;
};

interface HostMetricRecord {
  first: Sample;
  second: Sample;
  workerOrtReadyMs?: number;
  firstRunTimingsMs?: Record<string, number>;
  firstHostMs?: { run: number; visualizer: number };
}

/** An e2e metric file: one {first, second} object, or an array / JSON lines of them (→ medians per figure). */
function hostMetric(file: string): HostMetric {
  const text = readFileSync(file, 'utf8').trim();
  const all = (text.startsWith('[') ? JSON.parse(text) : text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))) as HostMetricRecord[];
  const med = (run: 'first' | 'second'): Sample => ({
    ms: median(all.map((x) => x[run].ms)),
    loopDelayMaxMs: median(all.map((x) => x[run].loopDelayMaxMs)),
    loopDelayP99Ms: median(all.map((x) => x[run].loopDelayP99Ms)),
    timerMaxLateMs: median(all.map((x) => x[run].timerMaxLateMs)),
  });
  const detailed = all.filter((x) => x.workerOrtReadyMs !== undefined && x.firstRunTimingsMs && x.firstHostMs);
  const breakdown = detailed.length
    ? {
        n: detailed.length,
        ortReadyMs: median(detailed.map((x) => x.workerOrtReadyMs!)),
        wasm1Ms: median(detailed.map((x) => x.firstRunTimingsMs!.wasm1 ?? 0)),
        workerTotalMs: median(detailed.map((x) => x.firstRunTimingsMs!.total ?? 0)),
        visualizerMs: median(detailed.map((x) => x.firstHostMs!.visualizer)),
      }
    : null;
  return { first: med('first'), second: med('second'), n: all.length, breakdown };
}

/** One e2e run of test/e2e/host/run-prewarm.test.ts (metric-run-prewarm.json; JSON lines for several runs), with the
 *  cold first run of run-worker.test.ts in the same e2e run. */
interface PrewarmRecord {
  startedAfterOpenMs: number;
  readyAfterOpenMs: number;
  firstRunMs: number;
  coldFirstRunMs?: number;
}

function prewarmLines(file: string): string[] {
  const all = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as PrewarmRecord);
  const med = (k: keyof PrewarmRecord): number => median(all.map((r) => r[k] ?? Number.NaN).filter((x) => Number.isFinite(x)));
  const cold = all.some((r) => r.coldFirstRunMs !== undefined);
  return [
    `**Prewarm** (extension/run/prewarm.ts; test/e2e/host/run-prewarm.test.ts, median of ${all.length} e2e run${all.length > 1 ? 's' : ''}): once a file with a packing or`,
    'RNN call is analysed and the host has been quiet for 2 s, the worker starts and loads onnxruntime-web in the background;',
    'a file without such calls starts nothing (tested). Cost: about 100 MB of resident memory (the worker with onnxruntime-web',
    'loaded, measured in a plain Node process); `rnnLens.run.prewarm: false` turns it off.',
    '',
    cold ? '| opening pack_chars.py → worker started | → onnxruntime-web ready | first Run Selection, prewarmed worker | first Run Selection, cold worker (same e2e runs) |' : '| opening pack_chars.py → worker started | → onnxruntime-web ready | first Run Selection, prewarmed worker |',
    cold ? '|---|---|---|---|' : '|---|---|---|',
    `| ${f0(med('startedAfterOpenMs'))} ms | ${f0(med('readyAfterOpenMs'))} ms | ${f0(med('firstRunMs'))} ms |${cold ? ` ${f0(med('coldFirstRunMs'))} ms |` : ''}`,
    '',
  ];
}

const f0 = (x: number): string => x.toFixed(0);
const f1 = (x: number): string => x.toFixed(1);

async function parent(): Promise<void> {
  if (!existsSync(join(root, 'dist/run-worker.js'))) throw new Error('no dist/run-worker.js: run npm run build first');
  const repsArg = process.argv.indexOf('--reps');
  const reps = repsArg >= 0 ? Number(process.argv[repsArg + 1]) : 3;
  const tmp = mkdtempSync(join(tmpdir(), 'rnn-lens-bench-'));
  const bundle = join(tmp, 'inline.js');
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(__dirname, 'run-host-inline.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    define: { 'import.meta.url': 'importMetaUrl' }, banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" }, logLevel: 'warning',
  });
  const load = loadavg()[0];
  const results: ChildResult[] = [];
  try {
    for (let i = 0; i < reps; i++) {
      for (const mode of ['inline', 'worker'] as const) {
        const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', mode, bundle], { cwd: root, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`${mode} child failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
        results.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const of = (mode: string, run: number, k: keyof Sample): number => median(results.filter((r) => r.mode === mode).map((r) => r.runs[run][k]));
  const row = (label: string, k: keyof Sample, fmt: (x: number) => string): string =>
    `| ${label} | ${fmt(of('inline', 0, k))} | ${fmt(of('worker', 0, k))} | ${fmt(of('inline', 1, k))} | ${fmt(of('worker', 1, k))} |`;
  const stats = results.find((r) => r.mode === 'worker')?.stats;
  const lines = [
    '## Run Selection and the extension host thread (issue 6)',
    '',
    `\`npm run bench:run-host\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, load ${load.toFixed(1)} at start): two runs of the whole`,
    `\`examples/${EXAMPLE}\` (seed 000, LSTM on wasm) in a fresh process, median of ${reps}. *inline* is how Run Selection ran before:`,
    'the run engine and onnxruntime-web in the extension host thread. *worker* is the run worker thread (dist/run-worker.js):',
    'the calling thread only posts the job and receives the result. The event-loop rows are what the calling thread saw during',
    'the run (perf_hooks.monitorEventLoopDelay; a 5 ms interval timer\'s lateness): hovers and other extensions wait that long.',
    '',
    '| | first run, inline | first run, worker | second run, inline | second run, worker |',
    '|---|---|---|---|---|',
    row('run time (ms)', 'ms', f0),
    row('event loop delay max (ms)', 'loopDelayMaxMs', f1),
    row('event loop delay p99 (ms)', 'loopDelayP99Ms', f1),
    row('5 ms timer, max lateness (ms)', 'timerMaxLateMs', f1),
    '',
    `Longest stall of the calling thread on a first run: ${f0(of('inline', 0, 'loopDelayMaxMs'))} ms inline, ${f0(of('worker', 0, 'loopDelayMaxMs'))} ms with the worker` +
      ` (${(of('inline', 0, 'loopDelayMaxMs') / Math.max(of('worker', 0, 'loopDelayMaxMs'), 0.1)).toFixed(0)}× less); on a second run ${f0(of('inline', 1, 'loopDelayMaxMs'))} ms inline,` +
      ` ${f0(of('worker', 1, 'loopDelayMaxMs'))} ms with the worker.`,
    '',
  ];
  if (stats) {
    lines.push(
      `Worker engine after the second run: ${stats.executorsCreated} onnxruntime-web executor, ${stats.onnxSessions} ONNX session, ${stats.backendCalls} wasm call,`,
      `${stats.resultsReused} wasm result reused (the second run computed nothing on wasm). The worker starts on the first Run Selection`,
      '(not at activation) and begins loading onnxruntime-web at once, while the first pass interprets.',
      '',
    );
  }
  const argFile = (name: string, def: string): string => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : join(root, def);
  };
  const metricFile = argFile('--host-metric', 'test-results/metric-run-host.json');
  const beforeFile = argFile('--before-metric', 'test-results/metric-run-host-before.json');
  if (existsSync(metricFile)) {
    const m = hostMetric(metricFile);
    const b = existsSync(beforeFile) ? hostMetric(beforeFile) : null;
    const cells = (k: keyof Sample, fmt: (x: number) => string): string =>
      b ? `${fmt(b.first[k])} | ${fmt(m.first[k])} | ${fmt(b.second[k])} | ${fmt(m.second[k])}` : `${fmt(m.first[k])} | ${fmt(m.second[k])}`;
    lines.push(
      'In the real extension host: the e2e suite in code-server (test/e2e/host/run-worker.test.ts, Run Selection of the pipeline',
      `lines of ${EXAMPLE}, then again; ${m.n > 1 ? `median of ${m.n} e2e runs` : 'the last e2e run'}, ${new Date(statSync(metricFile).mtimeMs).toISOString().slice(0, 10)}).`,
      b
        ? `*before* is the same test (\`RNN_LENS_E2E_GREP="run worker"\`, so the first run is the extension host's first; median of ${b.n}) on the commit before the run worker, minus its worker assertions; *worker* the same filter on the run worker, runs alternating with the *before* ones. This machine is shared (load ${load.toFixed(1)}): run times vary a lot between runs, the stalls much less.`
        : '',
      '',
      b ? '| | first run, before | first run, worker | second run, before | second run, worker |' : '| | first run | second run |',
      b ? '|---|---|---|---|---|' : '|---|---|---|',
      `| command round trip (ms) | ${cells('ms', f0)} |`,
      `| event loop delay max (ms) | ${cells('loopDelayMaxMs', f1)} |`,
      `| event loop delay p99 (ms) | ${cells('loopDelayP99Ms', f1)} |`,
      `| 5 ms timer, max lateness (ms) | ${cells('timerMaxLateMs', f1)} |`,
      '',
    );
    if (b && m.first.ms > b.first.ms) {
      lines.push(
        `The first command round trip is slower with the worker in the extension host (${f0(m.first.ms)} vs ${f0(b.first.ms)} ms): onnxruntime-web loads in the new`,
        'worker while its first interpreter pass and the workbench compete for the 2 cores, and that load is slower there than in a',
        'plain Node worker. The prewarm below hides that load.',
        '',
      );
    }
    if (m.breakdown) {
      const d = m.breakdown;
      lines.push(
        `Where the worker's first run went (${d.n === 1 ? 'one e2e run' : `median of ${d.n} e2e runs`} that recorded it): onnxruntime-web ready ${f0(d.ortReadyMs)} ms after the worker`,
        `started (about 1 s in a plain Node worker on this machine), the run's wasm phase ${f0(d.wasm1Ms)} ms (mostly waiting for that load),`,
        `${f0(d.workerTotalMs)} ms in the engine in all; showing the result in the visualizer took ${f0(d.visualizerMs)} ms of the command.`,
        `The calling thread's own share of a worker run is a few ms (the plain-Node table above), so the remaining stalls in the`,
        'extension host most likely come from other work during the command (progress notification, output channel, visualizer,',
        "the workbench's own traffic); they are not attributed further here.",
        '',
      );
    }
  }
  const prewarmFile = argFile('--prewarm-metric', 'test-results/metric-run-prewarm.json');
  if (existsSync(prewarmFile)) lines.push(...prewarmLines(prewarmFile));
  const text = lines.join('\n');
  writeBenchSection('run-host', text);
  console.log(text);
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) void child(process.argv[childAt + 1] as 'inline' | 'worker', process.argv[childAt + 2]);
else
  parent().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
