/**
 * The camera drivers: a child process (rpicam-vid for the Pi camera, ffmpeg for a V4L2 USB camera)
 * writing MJPEG to stdout, split into JPEG frames. Frames stay in memory: nothing is written to disk.
 */
import { spawn } from 'node:child_process';
import { cameraError } from './errors.ts';
import { MjpegSplitter } from './mjpeg.ts';

export interface CameraCommand {
  command: string;
  args: string[];
}

/** Raspberry Pi camera (libcamera): MJPEG at a low frame rate, to stdout, no preview. */
export function rpicamCommand(width = 640, height = 480, fps = 2): CameraCommand {
  return {
    command: 'rpicam-vid',
    args: [
      '-t',
      '0',
      '-n',
      '--codec',
      'mjpeg',
      '--width',
      `${width}`,
      '--height',
      `${height}`,
      '--framerate',
      `${fps}`,
      '-o',
      '-',
    ],
  };
}

/** A V4L2 USB camera through ffmpeg: MJPEG frames on stdout. */
export function v4l2FfmpegCommand(device = '/dev/video0', width = 640, height = 480, fps = 2): CameraCommand {
  return {
    command: 'ffmpeg',
    args: [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'v4l2',
      '-video_size',
      `${width}x${height}`,
      '-i',
      device,
      '-vf',
      `fps=${fps}`,
      '-f',
      'mjpeg',
      '-q:v',
      '5',
      'pipe:1',
    ],
  };
}

/** JPEG frames, one by one, until `stop()` (or the camera ends). */
export interface FrameSource extends AsyncIterable<Buffer> {
  stop(): void;
}

/** Runs the camera command and yields each JPEG frame from its stdout. */
export function spawnFrameSource(camera: CameraCommand): FrameSource {
  const child = spawn(camera.command, camera.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderrTail = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-2000);
  });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (cause) =>
      reject(
        cameraError(
          'camera_failed',
          `Không mở được camera (${camera.command})`,
          `Cannot start the camera (${camera.command})`,
          cause,
        ),
      ),
    );
  });
  spawnError.catch(() => {});
  async function* frames(): AsyncGenerator<Buffer> {
    const splitter = new MjpegSplitter();
    const stdout = child.stdout[Symbol.asyncIterator]();
    for (;;) {
      const next = await Promise.race([stdout.next(), spawnError]);
      if (next.done) break;
      yield* splitter.push(next.value as Buffer);
    }
    const code = child.exitCode ?? (await new Promise<number | null>((r) => child.once('close', r)));
    if (code !== 0 && code !== null && !child.killed) {
      throw cameraError(
        'camera_failed',
        `Camera dừng với mã ${code}`,
        `Camera exited with code ${code}: ${stderrTail.trim()}`,
      );
    }
  }
  const iterator = frames();
  return {
    [Symbol.asyncIterator]: () => iterator,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}
