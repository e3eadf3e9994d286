import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTfjsNodeInstalled, loadRuntime, modelDirectory } from '../src/backend.ts';

describe('runtime', () => {
  it('finds the weights inside the npm package', () => {
    for (const file of [
      'tiny_face_detector_model.bin',
      'ssd_mobilenetv1_model.bin',
      'face_expression_model.bin',
    ]) {
      expect(existsSync(join(modelDirectory(), file))).toBe(true);
    }
  });

  it.skipIf(isTfjsNodeInstalled())(
    'refuses the tensorflow backend with a typed error when tfjs-node is absent',
    async () => {
      await expect(loadRuntime('tensorflow')).rejects.toMatchObject({ code: 'model_load_failed' });
    },
  );

  it('loads the WASM backend from node_modules and refuses to switch later', async () => {
    const runtime = await loadRuntime('wasm');
    expect(runtime.backend).toBe('wasm');
    expect(runtime.tf.getBackend()).toBe('wasm');
    await expect(loadRuntime('tensorflow')).rejects.toMatchObject({ code: 'bad_argument' });
  });
});
