// Links from diagnostics to their explanation in the packaged docs/gotchas.md. The engine gives an href with a
// heading anchor (docs/gotchas.md#rnnl001-…) or just a code; VS Code opens file links at a line (`#L12`), so the
// anchor is turned into the line of its heading (or of an explicit <a id> marker), read once from the file.
import * as vscode from 'vscode';

export class GotchaDocs {
  private anchors: Map<string, number> | undefined;
  private readonly uri: vscode.Uri;

  constructor(extensionUri: vscode.Uri) {
    this.uri = vscode.Uri.joinPath(extensionUri, 'docs', 'gotchas.md');
  }

  /** Reads the document's anchors: GitHub-style heading slugs and `<a id="...">` markers, mapped to 1-based lines. */
  private async load(): Promise<Map<string, number>> {
    if (this.anchors) return this.anchors;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(this.uri));
    const anchors = new Map<string, number>();
    text.split('\n').forEach((line, i) => {
      const heading = /^#{1,6}\s+(.*)$/.exec(line);
      if (heading) anchors.set(headingSlug(heading[1]), i + 1);
      for (const m of line.matchAll(/<a id="([^"]+)"/g)) anchors.set(m[1].toLowerCase(), i + 2);
    });
    this.anchors = anchors;
    return anchors;
  }

  /** The link target of a diagnostic: its section of docs/gotchas.md (the file top when the section is unknown). */
  async target(code: string, href: string | undefined): Promise<vscode.Uri> {
    const anchors = await this.load();
    const anchor = href?.includes('#') ? href.slice(href.indexOf('#') + 1).toLowerCase() : code.toLowerCase();
    const line = anchors.get(anchor) ?? anchors.get(code.toLowerCase());
    return line ? this.uri.with({ fragment: `L${line}` }) : this.uri;
  }
}

/** GitHub's heading anchor: lower case, punctuation other than `-` and `_` removed, spaces to `-`. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
