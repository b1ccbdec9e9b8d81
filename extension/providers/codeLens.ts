// CodeLens "Visualize" above the calls that make a ragged pipeline worth seeing: packing (pack_padded_sequence,
// pack_sequence) and running an LSTM/GRU/RNN module. The call sites come from the engine's op sites; the lens runs
// "Run Selection" on the file (or the notebook cell) with that line in focus.
import * as vscode from 'vscode';
import type { Analysis } from '../../runtime/analysis/api';
import { readConfig } from '../config';
import { inScope, type AnalysisService } from '../analysis/service';

/** Op names (runtime/interp op registry) a lens goes above. */
const LENS_OPS = /^(rnn\.pack_padded_sequence|rnn\.pack_sequence|nn\.(LSTM|GRU|RNN)\.forward)$/;

export interface LensSite {
  op: string;
  /** 1-based line in the file or in the cell. */
  line: number;
  cell?: number;
}

/** The distinct lines (per cell) holding a packing or RNN call, from the engine's op sites. */
export function lensSites(analysis: Analysis): LensSite[] {
  const text = analysis.source.text;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const seen = new Set<string>();
  const sites: LensSite[] = [];
  for (const s of analysis.interpreter.opSites) {
    if (!LENS_OPS.test(s.op)) continue;
    const mapped = analysis.source.mapLine(lineOf(s.from));
    const key = `${mapped.cell ?? ''}:${mapped.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    sites.push({ op: s.op, line: mapped.line, cell: mapped.cell });
  }
  return sites.sort((a, b) => (a.cell ?? 0) - (b.cell ?? 0) || a.line - b.line);
}

export class VisualizeCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly service: AnalysisService) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!readConfig(document).codeLensEnabled) return [];
    const scoped = await this.service.analysisOf(document);
    if (!scoped) return [];
    return lensSites(scoped.analysis)
      .filter((s) => inScope(scoped.scope, s.cell))
      .map((s) => {
        const range = new vscode.Range(s.line - 1, 0, s.line - 1, 0);
        return new vscode.CodeLens(range, {
          title: 'Visualize',
          tooltip: `Run this ${s.op.startsWith('rnn.') ? 'packing' : 'RNN'} step with RNN Lens and show it`,
          command: 'rnnLens.runSelection',
          arguments: [{ uri: document.uri.toString(), line: s.line }],
        });
      });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
