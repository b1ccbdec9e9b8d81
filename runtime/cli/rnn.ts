// `rnn-lens rnn`: not built yet (see its issue).
import { CliError, type Subcommand } from './common';

const command: Subcommand = {
  async run(): Promise<number> {
    throw new CliError('the rnn command is not available yet');
  },
};
export default command;
