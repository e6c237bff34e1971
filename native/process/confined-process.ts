/**
 * The supervised process of a confined instance (event runtimes, custom
 * runtime, web functions): the sandbox's command, a process group (so a
 * kill reaches its children), the private channel on fd 3 (unused by the
 * custom runtime and web servers), its stdout and stderr as the instance's
 * output.
 */
import { SupervisedProcess, type ChildExit } from '../supervision';
import type { ConfinedInstance } from '../sandbox';
import { checkChildMessage, jsonCodec, type ChildMessage, type ParentMessage } from './channel';
import type { InstanceOutput } from './output';

export interface ConfinedProcessOptions {
  name: string;
  env: NodeJS.ProcessEnv;
  startTimeoutMs: number;
  /** A pipe on fd 4 for the sandbox's start gate (`ConfineRequest.startGate`), opened with `openGate()`. */
  gate?: boolean;
  isReady(m: ChildMessage): boolean;
  onMessage(m: ChildMessage): void;
  onExit(exit: ChildExit): void;
}

export function confinedProcess(c: Pick<ConfinedInstance, 'command' | 'args' | 'cwd'>, output: InstanceOutput, o: ConfinedProcessOptions): SupervisedProcess<ParentMessage, ChildMessage> {
  return new SupervisedProcess<ParentMessage, ChildMessage>({
    name: o.name,
    command: c.command,
    args: c.args,
    env: o.env,
    cwd: c.cwd,
    channel: 'fd3',
    processGroup: true,
    gate: o.gate === true,
    startTimeoutMs: o.startTimeoutMs,
    codec: jsonCodec,
    check: checkChildMessage,
    isReady: o.isReady,
    onStdout: (chunk) => output.raw('stdout', chunk.toString('utf8')),
    onStderr: (text) => output.raw('stderr', text),
    onMessage: o.onMessage,
    onExit: o.onExit,
  });
}
