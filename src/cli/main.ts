// The k8ts command line: dispatches to one command per role.

import { Command } from 'commander';
import { controllerManagerCommand, schedulerCommand, simulatedNodesCommand } from './commands/components.js';
import { agentCommand, killAllCommand } from './commands/agent.js';
import { imageCommand } from './commands/image.js';
import { serverCommand } from './commands/server.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('k8ts').description('Kubernetes in TypeScript: one package, one command to a cluster').version('0.1.0');
  program.addCommand(serverCommand());
  program.addCommand(agentCommand());
  program.addCommand(killAllCommand());
  program.addCommand(controllerManagerCommand());
  program.addCommand(schedulerCommand());
  program.addCommand(simulatedNodesCommand());
  program.addCommand(imageCommand());
  program.showHelpAfterError();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    process.stderr.write(`k8ts: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
