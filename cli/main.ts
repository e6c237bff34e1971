/**
 * The `isola` command line. Each subcommand lives in cli/commands/ and
 * registers itself here; the server subcommand starts the platform, the
 * others talk to a running server through the signed control API.
 */
import { Command, CommanderError } from 'commander';
import { registerAlias } from './commands/alias';
import { registerAsync } from './commands/async';
import { registerConfig } from './commands/config';
import { registerDeploy } from './commands/deploy';
import { registerFn } from './commands/fn';
import { registerInvoke } from './commands/invoke';
import { registerLayer } from './commands/layer';
import { registerLogs } from './commands/logs';
import { registerMetrics } from './commands/metrics';
import { registerNs } from './commands/ns';
import { registerProvisioned } from './commands/provisioned';
import { registerRollback } from './commands/rollback';
import { registerServe } from './commands/serve';
import { registerTrigger } from './commands/trigger';
import { registerVersion } from './commands/version';

export function buildProgram(): Command {
  const program = new Command();
  program.name('isola').description('self-hosted serverless functions: JavaScript in V8 isolates, SCF-compatible API').version(
    (require('../../package.json') as { version: string }).version,
  );
  registerServe(program);
  registerDeploy(program);
  registerInvoke(program);
  registerLogs(program);
  registerMetrics(program);
  registerFn(program);
  registerVersion(program);
  registerAlias(program);
  registerLayer(program);
  registerTrigger(program);
  registerProvisioned(program);
  registerRollback(program);
  registerNs(program);
  registerConfig(program);
  registerAsync(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    console.error(`isola: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
