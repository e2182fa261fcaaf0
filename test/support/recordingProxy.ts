/**
 * The recording proxy in front of moto (DESIGN.md §7). The implementation is plain JavaScript under emulator/
 * so that scripts/demo.mjs can run it without a build step.
 */
export {
  startRecordingProxy,
  type RecordedCall,
  type RecordingProxy,
  type RecordingProxyOptions,
} from './emulator/recordingProxy.mjs';
