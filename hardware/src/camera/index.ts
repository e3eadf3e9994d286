// The counter camera: MJPEG from rpicam-vid or ffmpeg (V4L2) split into JPEG frames, with image
// files as the simulator. Frames stay in memory.
export {
  type CameraCommand,
  type FrameSource,
  rpicamCommand,
  spawnFrameSource,
  v4l2FfmpegCommand,
} from './command.ts';
export { CameraError, type CameraErrorCode } from './errors.ts';
export { type CameraConfig, openCamera } from './factory.ts';
export { MjpegSplitter } from './mjpeg.ts';
export { fileFrameSource, imageFiles } from './simulator.ts';
