/** The simulated camera: image files as frames (`--simulate`, tests, evaluating on photos). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FrameSource } from './command.ts';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

/** Image files as given, folders expanded (sorted) to their .jpg/.jpeg/.png files. */
export function imageFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()))
          .sort()
          .map((name) => join(path, name))
      : [path],
  );
}

/**
 * Image files as a camera: one file every 1/fps seconds, cycling, read into memory (never copied
 * or written anywhere). `stop()` ends the iteration.
 */
export function fileFrameSource(paths: readonly string[], fps: number): FrameSource {
  const files = imageFiles(paths);
  let stopped = false;
  let wake: (() => void) | null = null;
  async function* frames(): AsyncGenerator<Buffer> {
    if (files.length === 0) return;
    for (let i = 0; !stopped; i = (i + 1) % files.length) {
      yield readFileSync(files[i]!);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000 / fps);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  }
  const iterator = frames();
  return {
    [Symbol.asyncIterator]: () => iterator,
    stop: () => {
      stopped = true;
      (wake as (() => void) | null)?.();
    },
  };
}
