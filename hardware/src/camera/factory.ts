import { type FrameSource, rpicamCommand, spawnFrameSource, v4l2FfmpegCommand } from './command.ts';
import { fileFrameSource } from './simulator.ts';

export interface CameraConfig {
  /** `rpicam` (Pi camera, rpicam-vid), `v4l2` (USB camera through ffmpeg), `files` (the simulator). */
  driver: 'rpicam' | 'v4l2' | 'files';
  /** V4L2 device (default /dev/video0). */
  device?: string;
  width?: number;
  height?: number;
  fps: number;
  /** `files` driver: image files or folders of them, cycled through in order. */
  files?: readonly string[];
}

/** Starts the configured camera; its frames come until `stop()`. */
export function openCamera(config: CameraConfig): FrameSource {
  const { driver, fps } = config;
  if (driver === 'files') return fileFrameSource(config.files ?? [], fps);
  return spawnFrameSource(
    driver === 'rpicam'
      ? rpicamCommand(config.width, config.height, fps)
      : v4l2FfmpegCommand(config.device, config.width, config.height, fps),
  );
}
