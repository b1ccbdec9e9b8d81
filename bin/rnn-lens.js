#!/usr/bin/env node
// Entry point of the `rnn-lens` command: runs the bundled CLI (dist/cli.js, built by `npm run build`/`npm ci`).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('rnn-lens: dist/cli.js is missing; run `npm run build` in the rnn-lens folder first.\n');
  process.exit(2);
}
require(cli);
