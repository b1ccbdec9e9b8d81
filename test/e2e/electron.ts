// `npm run test:electron`: the same extension-host suite (test/e2e/host) in desktop VS Code through
// @vscode/test-electron, for machines with internet access (it downloads VS Code; CI here uses code-server instead).
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

async function main(): Promise<void> {
  const root = resolve(__dirname, '../..');
  const workspace = join(mkdtempSync(join(tmpdir(), 'rnn-lens-electron-')), 'workspace');
  cpSync(join(root, 'examples'), workspace, { recursive: true });
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/test/host/index'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { RNN_LENS_E2E_RESULTS: join(root, 'test-results/electron-host-results.json') },
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`test:electron failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
