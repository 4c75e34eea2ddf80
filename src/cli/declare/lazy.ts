// The action for a lazily loaded command: commander calls it with the parsed arguments.

import { runCommand, type CommandModule } from "../run-command.js";

export const lazy =
  (load: () => Promise<CommandModule>) =>
  (...args: unknown[]) =>
    runCommand(load, args);
