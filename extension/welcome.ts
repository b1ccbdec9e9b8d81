// First-run welcome: the first time RNN Lens activates for a user (VS Code's globalState, synced across machines with
// Settings Sync), it opens the seed-000 example and the "Get started with RNN Lens" walkthrough beside it — once,
// never again. rnnLens.walkthrough.openOnFirstInstall = false turns it off. Extension-development and test hosts
// (F5, the extension-host tests) skip it so it cannot steal the editor from a test; the UI tests check it on the
// installed .vsix.
import * as vscode from 'vscode';
import { openExample } from './examples';
import { readConfig } from './config';

/** globalState key: true once the welcome was shown. */
export const WELCOME_SHOWN_KEY = 'rnnLens.welcomeShown';
export const WALKTHROUGH_ID = 'rnnLens.welcome';
/** The example the welcome opens next to the walkthrough. */
export const WELCOME_EXAMPLE = 'pack_chars.py';

export type WelcomeOutcome = 'shown' | 'already-shown' | 'disabled' | 'development-host';

export async function welcomeOnFirstActivation(context: vscode.ExtensionContext): Promise<WelcomeOutcome> {
  context.globalState.setKeysForSync([WELCOME_SHOWN_KEY]);
  if (context.globalState.get<boolean>(WELCOME_SHOWN_KEY) === true) return 'already-shown';
  if (!readConfig().walkthroughOnFirstInstall) return 'disabled';
  if (context.extensionMode !== vscode.ExtensionMode.Production) return 'development-host';
  // Recorded before opening anything: a failure below must not make it show again at every start.
  await context.globalState.update(WELCOME_SHOWN_KEY, true);
  await openExample(context, WELCOME_EXAMPLE);
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, true);
  return 'shown';
}
