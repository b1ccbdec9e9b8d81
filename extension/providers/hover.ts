// Hover: the shape of the variable under the mouse, from the shape engine, as a compact Python-styled code line
// (`packed_input: PackedSequence data (18, 4) batch_sizes [3,3,3,3,2,2,1,1]`) plus the engine's explanation of RNN
// layouts when it has one. Works in .py files and notebook cells.
import * as vscode from 'vscode';
import { readConfig } from '../config';
import { enginePosition, spanRange, type AnalysisService } from '../analysis/service';

export interface ShapeHover {
  text: string;
  detail?: string;
  range: vscode.Range;
}

/** The engine's hover at a position, in editor coordinates; undefined when nothing is known there. */
export async function shapeAt(service: AnalysisService, document: vscode.TextDocument, position: vscode.Position): Promise<ShapeHover | undefined> {
  const scoped = await service.analysisOf(document);
  if (!scoped) return undefined;
  const p = enginePosition(scoped.scope, position);
  const info = scoped.analysis.hoverAt(p.line, p.col, p.cell);
  if (!info) return undefined;
  return { text: info.text, detail: info.detail, range: spanRange(info.span) };
}

export function hoverMarkdown(h: ShapeHover): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendCodeblock(h.text, 'python');
  if (h.detail) md.appendMarkdown(`\n\n${escapeMarkdown(h.detail)}`);
  md.appendMarkdown('\n\n*RNN Lens (static shapes)*');
  return md;
}

export class ShapeHoverProvider implements vscode.HoverProvider {
  constructor(private readonly service: AnalysisService) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!readConfig(document).hoverEnabled) return undefined;
    const h = await shapeAt(this.service, document, position);
    return h ? new vscode.Hover(hoverMarkdown(h), h.range) : undefined;
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]<>#|])/g, '\\$1');
}
