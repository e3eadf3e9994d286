/**
 * Camera frames as MJPEG on a child process's stdout (rpicam-vid, ffmpeg from V4L2), split on JPEG markers.
 * Frames stay in memory: nothing is written to disk.
 */
import { spawn } from 'node:child_process';
import { emotionError } from './errors.ts';

const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];

/**
 * Splits a byte stream of concatenated JPEGs. A frame runs from SOI (FF D8 FF) to the first EOI (FF D9).
 * Camera MJPEG frames carry no embedded thumbnails, so the first EOI ends the frame; bytes between
 * frames are ignored; a frame larger than `maxFrameBytes` is dropped (a broken stream must not eat memory).
 */
export class MjpegSplitter {
  private buffer: Buffer = Buffer.alloc(0);
  private inFrame = false;
  droppedBytes = 0;

  constructor(private readonly maxFrameBytes = 8 * 1024 * 1024) {}

  /** Feeds a chunk, returns the frames it completed (possibly none). */
  push(chunk: Uint8Array): Buffer[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const frames: Buffer[] = [];
    for (;;) {
      if (!this.inFrame && !this.findStart()) break;
      const end = findMarker(this.buffer, EOI, 2);
      if (end < 0) {
        this.dropIfTooLarge();
        break;
      }
      frames.push(Buffer.from(this.buffer.subarray(0, end + 2)));
      this.buffer = this.buffer.subarray(end + 2);
      this.inFrame = false;
    }
    return frames;
  }

  private findStart(): boolean {
    let at = findMarker(this.buffer, SOI, 0);
    while (at >= 0 && this.buffer[at + 2] !== 0xff && at + 2 < this.buffer.length)
      at = findMarker(this.buffer, SOI, at + 1);
    if (at < 0) {
      // Keep a trailing 0xFF: it may be the first half of the next SOI.
      const keep = this.buffer.at(-1) === 0xff ? 1 : 0;
      this.droppedBytes += this.buffer.length - keep;
      this.buffer = this.buffer.subarray(this.buffer.length - keep);
      return false;
    }
    if (at + 2 >= this.buffer.length) {
      this.droppedBytes += at;
      this.buffer = this.buffer.subarray(at);
      return false;
    }
    this.droppedBytes += at;
    this.buffer = this.buffer.subarray(at);
    this.inFrame = true;
    return true;
  }

  private dropIfTooLarge(): void {
    if (this.buffer.length <= this.maxFrameBytes) return;
    this.droppedBytes += this.buffer.length;
    this.buffer = Buffer.alloc(0);
    this.inFrame = false;
  }
}

function findMarker(buffer: Buffer, marker: number[], from: number): number {
  return buffer.indexOf(Buffer.from(marker), from);
}

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
        emotionError(
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
      throw emotionError(
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
