/**
 * Loads TensorFlow.js and face-api with everything from node_modules: no network, ever.
 * @tensorflow/tfjs-node is used when it is installed (optional accelerator); otherwise the WASM backend.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { emotionError } from './errors.ts';

const require = createRequire(import.meta.url);

export type BackendName = 'wasm' | 'tensorflow';
export type BackendChoice = BackendName | 'auto';

// Types only: face-api's bundles are CommonJS and are loaded with require below.
export type FaceApi = typeof import('@vladmandic/face-api');
export type Tf = typeof import('@tensorflow/tfjs');

export interface LoadedRuntime {
  tf: Tf;
  faceapi: FaceApi;
  backend: BackendName;
  modelDir: string;
}

let runtime: Promise<LoadedRuntime> | null = null;

/** One runtime per process: TensorFlow.js keeps its backend in a global registry. */
export async function loadRuntime(choice: BackendChoice = 'auto'): Promise<LoadedRuntime> {
  runtime ??= initRuntime(choice).catch((cause: unknown) => {
    runtime = null;
    throw emotionError(
      'model_load_failed',
      'Không nạp được mô hình',
      `Cannot load the model: ${cause}`,
      cause,
    );
  });
  const loaded = await runtime;
  if (choice !== 'auto' && loaded.backend !== choice) {
    throw emotionError(
      'bad_argument',
      `Backend đã khởi tạo là ${loaded.backend}`,
      `The backend is already initialised as ${loaded.backend}`,
    );
  }
  return loaded;
}

export function modelDirectory(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

export function faceApiVersion(): string {
  return (require('@vladmandic/face-api/package.json') as { version: string }).version;
}

export function isTfjsNodeInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

async function initRuntime(choice: BackendChoice): Promise<LoadedRuntime> {
  const modelDir = modelDirectory();
  if (choice !== 'wasm' && isTfjsNodeInstalled()) {
    try {
      return await initTensorflowNode(modelDir);
    } catch (error) {
      if (choice === 'tensorflow') throw error;
      // A broken native install (e.g. libtensorflow missing) falls back to WASM.
    }
  }
  if (choice === 'tensorflow') throw new Error('@tensorflow/tfjs-node is not installed');
  return initWasm(modelDir);
}

async function initTensorflowNode(modelDir: string): Promise<LoadedRuntime> {
  require('@tensorflow/tfjs-node');
  const faceapi = require('@vladmandic/face-api/dist/face-api.node.js') as FaceApi;
  const tf = faceapi.tf as unknown as Tf;
  await tf.setBackend('tensorflow');
  await tf.ready();
  return { tf, faceapi, backend: 'tensorflow', modelDir };
}

async function initWasm(modelDir: string): Promise<LoadedRuntime> {
  const tf = require('@tensorflow/tfjs') as Tf;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  // A plain directory path: in Node the WASM loader then reads the .wasm file from disk.
  wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  if (!(await tf.setBackend('wasm'))) throw new Error('WASM backend did not initialise');
  await tf.ready();
  return { tf, faceapi, backend: 'wasm', modelDir };
}
