import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@oss/tests';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CameraError,
  fileFrameSource,
  imageFiles,
  MjpegSplitter,
  openCamera,
  spawnFrameSource,
} from './index.ts';

function jpegOf(shade: number, width = 32 + shade, height = 24): Buffer {
  const data = Buffer.alloc(width * height * 4, shade);
  return Buffer.from(jpeg.encode({ width, height, data }, 90).data);
}

const frames = [jpegOf(10), jpegOf(90), jpegOf(200)];

function splitInChunks(bytes: Buffer, sizes: number[]): Buffer[] {
  const splitter = new MjpegSplitter();
  const out: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    out.push(...splitter.push(bytes.subarray(at, at + size)));
    at += size;
  }
  return out;
}

describe('MjpegSplitter', () => {
  it('returns each JPEG whole, whatever the chunk boundaries', () => {
    const stream = Buffer.concat(frames);
    for (const sizes of [[stream.length], [1], [2, 3], [7, 1, 1, 500], [4096]]) {
      expect(splitInChunks(stream, sizes)).toEqual(frames);
    }
  });

  it('skips garbage between frames and counts it', () => {
    const splitter = new MjpegSplitter();
    const noise = Buffer.from([0x00, 0xff, 0x12, 0xff, 0xd9, 0x34]);
    const out = splitter.push(Buffer.concat([noise, frames[0]!, noise, frames[1]!]));
    expect(out).toEqual([frames[0], frames[1]]);
    expect(splitter.droppedBytes).toBe(noise.length * 2);
  });

  it('drops a frame that never ends instead of growing without bound', () => {
    const splitter = new MjpegSplitter(1000);
    expect(splitter.push(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(2000, 1)]))).toEqual(
      [],
    );
    expect(splitter.push(frames[2]!)).toEqual([frames[2]]);
  });
});

describe('spawnFrameSource', () => {
  it('reads frames a child process writes to stdout in odd-sized pieces', async () => {
    const script = `
      const all = Buffer.from(process.argv[1], 'base64');
      let at = 0;
      const step = () => { if (at >= all.length) return; process.stdout.write(all.subarray(at, at + 777)); at += 777; setImmediate(step); };
      step();`;
    const stream = Buffer.concat([...frames, ...frames]);
    const source = spawnFrameSource({
      command: process.execPath,
      args: ['-e', script, stream.toString('base64')],
    });
    const received: Buffer[] = [];
    for await (const frame of source) received.push(frame);
    expect(received).toEqual([...frames, ...frames]);
  });

  it('reports a camera command that cannot start as a typed error', async () => {
    const source = spawnFrameSource({ command: '/nonexistent/rpicam-vid', args: [] });
    await expect(async () => {
      for await (const _ of source) {
      }
    }).rejects.toBeInstanceOf(CameraError);
  });

  it('reports a camera that exits with an error', async () => {
    const source = spawnFrameSource({ command: process.execPath, args: ['-e', 'process.exit(3)'] });
    await expect(async () => {
      for await (const _ of source) {
      }
    }).rejects.toMatchObject({ code: 'camera_failed' });
  });

  const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;

  it.skipIf(!hasFfmpeg)(
    'splits real ffmpeg MJPEG output (as from a V4L2 camera) into decodable frames',
    async () => {
      // A test pattern instead of /dev/video0: same encoder and muxer as v4l2FfmpegCommand().
      const args = [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=320x240:rate=10',
      ];
      const source = spawnFrameSource({
        command: 'ffmpeg',
        args: [...args, '-frames:v', '5', '-f', 'mjpeg', 'pipe:1'],
      });
      const received: Buffer[] = [];
      for await (const frame of source) received.push(frame);
      expect(received).toHaveLength(5);
      for (const frame of received) expect(jpeg.decode(frame)).toMatchObject({ width: 320, height: 240 });
    },
  );
});

describe('the simulated camera (image files)', () => {
  const dir = tempDir('oss-camera-');
  afterAll(() => dir.remove());
  const folder = join(dir.path, 'faces');
  mkdirSync(folder);
  for (const [i, frame] of frames.entries()) writeFileSync(join(folder, `${i}.jpg`), frame);
  writeFileSync(join(folder, 'notes.txt'), 'not an image');
  const single = join(dir.path, 'one.jpeg');
  writeFileSync(single, frames[2]!);

  it('expands folders to their images, sorted, and keeps files as given', () => {
    expect(imageFiles([folder, single])).toEqual(
      [0, 1, 2].map((i) => join(folder, `${i}.jpg`)).concat(single),
    );
  });

  it('yields the images in order, cycling, until stopped', async () => {
    const source = fileFrameSource([folder], 1000);
    const received: Buffer[] = [];
    for await (const frame of source) {
      received.push(frame);
      if (received.length === 5) source.stop();
    }
    expect(received).toEqual([...frames, frames[0], frames[1]]);
  });

  it('is what openCamera starts for the files driver', async () => {
    const source = openCamera({ driver: 'files', files: [single], fps: 1000 });
    for await (const frame of source) {
      expect(frame).toEqual(frames[2]);
      source.stop();
    }
  });
});
