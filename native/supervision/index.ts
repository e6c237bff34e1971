/**
 * Process supervision shared by everything that runs user code in child
 * processes (isolate hosts, subprocess runners): a supervised child speaking
 * checked frames, and restart with back-off.
 */
export { SupervisionError, type SupervisionErrorCode } from './errors';
export { FrameReader, FrameWriter, MAX_FRAME, type FastCodec, type FrameSpace } from './frames';
export {
  SupervisedProcess, describeExit,
  type ChildExit, type HeartbeatOptions, type StopOptions, type SupervisedProcessOptions,
} from './process';
export { signalGroupOfReapedLeader } from './process-group';
export { RestartPolicy, Restarter, type RestartPolicyOptions } from './restart';
