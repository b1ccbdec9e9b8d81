// VS Code theme variables for the browser tests: a subset of what VS Code sets on the webview's <html> element for
// its Light Modern, Dark Modern and High Contrast themes (values copied from those themes), plus the body class.

export interface TestTheme {
  bodyClass: 'vscode-light' | 'vscode-dark' | 'vscode-high-contrast';
  kind: string;
  vars: Record<string, string>;
}

const common = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"DejaVu Sans Mono", monospace',
  '--vscode-editor-font-size': '12px',
};

export const THEMES: Record<'light' | 'dark' | 'hc', TestTheme> = {
  light: {
    bodyClass: 'vscode-light', kind: 'vscode-light',
    vars: {
      ...common,
      '--vscode-foreground': '#3b3b3b', '--vscode-editor-background': '#ffffff', '--vscode-sideBar-background': '#f8f8f8',
      '--vscode-descriptionForeground': '#717171', '--vscode-panel-border': '#e5e5e5', '--vscode-focusBorder': '#005fb8',
      '--vscode-charts-red': '#e51400', '--vscode-charts-blue': '#1a85ff', '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34', '--vscode-charts-purple': '#652d90', '--vscode-charts-yellow': '#bf8803',
      '--vscode-terminal-ansiCyan': '#0598bc', '--vscode-terminal-ansiMagenta': '#bc05bc', '--vscode-badge-background': '#cccccc',
      '--vscode-badge-foreground': '#3b3b3b', '--vscode-editorLineNumber-foreground': '#6e7681',
      '--vscode-editor-selectionBackground': '#add6ff', '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
      '--vscode-editorHoverWidget-background': '#f8f8f8', '--vscode-editorHoverWidget-border': '#c8c8c8',
      '--vscode-errorForeground': '#f85149', '--vscode-testing-iconPassed': '#388a34', '--vscode-disabledForeground': '#8a8a8a',
      '--vscode-debugTokenExpression-name': '#9b46b0', '--vscode-debugTokenExpression-string': '#a31515',
      '--vscode-debugTokenExpression-number': '#098658', '--vscode-editorWarning-foreground': '#bf8803',
    },
  },
  dark: {
    bodyClass: 'vscode-dark', kind: 'vscode-dark',
    vars: {
      ...common,
      '--vscode-foreground': '#cccccc', '--vscode-editor-background': '#1f1f1f', '--vscode-sideBar-background': '#181818',
      '--vscode-descriptionForeground': '#9d9d9d', '--vscode-panel-border': '#2b2b2b', '--vscode-focusBorder': '#0078d4',
      '--vscode-charts-red': '#f14c4c', '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7', '--vscode-charts-yellow': '#cca700',
      '--vscode-terminal-ansiCyan': '#11a8cd', '--vscode-terminal-ansiMagenta': '#bc3fbc', '--vscode-badge-background': '#616161',
      '--vscode-badge-foreground': '#f8f8f8', '--vscode-editorLineNumber-foreground': '#6e7681',
      '--vscode-editor-selectionBackground': '#264f78', '--vscode-list-inactiveSelectionBackground': '#37373d',
      '--vscode-editorHoverWidget-background': '#202020', '--vscode-editorHoverWidget-border': '#454545',
      '--vscode-errorForeground': '#f85149', '--vscode-testing-iconPassed': '#73c991', '--vscode-disabledForeground': '#8c8c8c',
      '--vscode-debugTokenExpression-name': '#c586c0', '--vscode-debugTokenExpression-string': '#ce9178',
      '--vscode-debugTokenExpression-number': '#b5cea8', '--vscode-editorWarning-foreground': '#cca700',
    },
  },
  hc: {
    bodyClass: 'vscode-high-contrast', kind: 'vscode-high-contrast',
    vars: {
      ...common,
      '--vscode-foreground': '#ffffff', '--vscode-editor-background': '#000000', '--vscode-sideBar-background': '#000000',
      '--vscode-descriptionForeground': '#ffffff', '--vscode-panel-border': '#6fc3df', '--vscode-focusBorder': '#f38518',
      '--vscode-charts-red': '#f14c4c', '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#f38518',
      '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7', '--vscode-charts-yellow': '#ffff00',
      '--vscode-badge-background': '#000000', '--vscode-badge-foreground': '#ffffff', '--vscode-editorLineNumber-foreground': '#ffffff',
      '--vscode-editor-selectionBackground': '#ffffff', '--vscode-editorHoverWidget-background': '#0c141f',
      '--vscode-editorHoverWidget-border': '#6fc3df', '--vscode-disabledForeground': '#a5a5a5',
    },
  },
};
