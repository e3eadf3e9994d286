import { errorFactory, HardwareError } from '../errors.ts';

export type GpioErrorCode = 'chip_not_found' | 'bad_pin' | 'unknown_led' | 'onoff_unavailable' | 'io_error';

export class GpioError extends HardwareError<GpioErrorCode> {
  override readonly name = 'GpioError';
}

export const gpioError = errorFactory(GpioError);
