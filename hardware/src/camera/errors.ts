import { errorFactory, HardwareError } from '../errors.ts';

export type CameraErrorCode = 'camera_failed';

export class CameraError extends HardwareError<CameraErrorCode> {
  override readonly name = 'CameraError';
}

export const cameraError = errorFactory(CameraError);
