// Reads the theme's colours (VS Code's --vscode-* variables through the page's CSS custom properties) for canvases,
// which cannot use var(); re-read whenever VS Code switches the theme.
import type { Palette } from './heatmap';

export function readPalette(root: HTMLElement): Palette {
  const cs = getComputedStyle(root);
  const get = (name: string, fallback: string): string => cs.getPropertyValue(name).trim() || fallback;
  return {
    positive: get('--heat-pos', '#d9534f'),
    negative: get('--heat-neg', '#3b82f6'),
    pad: get('--pad-colour', '#888888'),
    gap: get('--gap-colour', '#444444'),
    text: get('--vscode-foreground', '#cccccc'),
    sequence: Array.from({ length: 8 }, (_, i) => get(`--seq-${i}`, '#888888')),
  };
}
