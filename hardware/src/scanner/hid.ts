import { deviceError, scannerError } from './errors.ts';
import { ScannerBase } from './scanner.ts';

/** The part of node-hid's HIDAsync this driver uses (so tests can pass a fake device). */
export interface HidDevice {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): Promise<void>;
}

/**
 * Where a HID-POS "scanned data" input report keeps its fields. Layouts differ by vendor; the
 * default is the common 64-byte one: [report id 0x02, length, AIM symbology ×3, data…, more-follows].
 */
export interface HidPosLayout {
  reportId: number;
  lengthOffset: number;
  dataOffset: number;
  /** Offset of the flag that is non-zero while more reports of the same scan follow; -1 for none. */
  continuationOffset: number;
}

export const DEFAULT_HID_POS_LAYOUT: HidPosLayout = {
  reportId: 0x02,
  lengthOffset: 1,
  dataOffset: 5,
  continuationOffset: 63,
};

/** The part of node-hid used here, typed locally: node-hid is optional and may be absent. */
export interface NodeHid {
  HIDAsync: {
    open(path: string): Promise<HidDevice>;
    open(vendorId: number, productId: number): Promise<HidDevice>;
  };
}

const NODE_HID = 'node-hid';

/**
 * node-hid is loaded only when a HID scanner is configured: it fails at load without the system
 * library libusb-1.0, and that must not take the whole agent down.
 */
export async function loadNodeHid(
  importer: () => Promise<unknown> = () => import(NODE_HID),
): Promise<NodeHid> {
  try {
    const module = (await importer()) as NodeHid & { default?: NodeHid };
    return module.default ?? module;
  } catch (err) {
    throw scannerError(
      'hid_unavailable',
      'Không nạp được node-hid: cài gói node-hid và thư viện hệ thống libusb-1.0-0',
      'Cannot load node-hid: install the node-hid package and the system library libusb-1.0-0',
      err,
    );
  }
}

export class HidPosScanner extends ScannerBase {
  private scan: number[] = [];

  constructor(
    private readonly device: HidDevice,
    private readonly layout: HidPosLayout = DEFAULT_HID_POS_LAYOUT,
    maxScanBytes?: number,
  ) {
    super(maxScanBytes);
    device.on('data', (report) => this.pushReport(report));
    device.on('error', (err) => this.emitError(deviceError(err)));
  }

  /** Opens a scanner by hidraw path or vendor/product id. */
  static async open(
    target: { path: string } | { vendorId: number; productId: number },
    layout?: HidPosLayout,
    importer?: () => Promise<unknown>,
  ): Promise<HidPosScanner> {
    const hid = await loadNodeHid(importer);
    try {
      const device =
        'path' in target
          ? await hid.HIDAsync.open(target.path)
          : await hid.HIDAsync.open(target.vendorId, target.productId);
      return new HidPosScanner(device, layout);
    } catch (err) {
      throw deviceError(err);
    }
  }

  pushReport(report: Uint8Array): void {
    const { reportId, lengthOffset, dataOffset, continuationOffset } = this.layout;
    if (report[0] !== reportId) return; // other reports (status, keyboard) are not scans
    const length = report[lengthOffset] ?? 0;
    // Data may not run into the continuation flag.
    const dataEnd =
      continuationOffset > dataOffset ? Math.min(continuationOffset, report.length) : report.length;
    if (dataOffset + length > dataEnd) {
      this.scan = [];
      this.emitError(
        scannerError(
          'bad_report',
          `Báo cáo HID-POS ghi độ dài ${length}, vượt quá ${dataEnd - dataOffset} byte dữ liệu`,
          `HID-POS report claims length ${length}, beyond its ${dataEnd - dataOffset} data bytes`,
        ),
      );
      return;
    }
    this.scan.push(...report.subarray(dataOffset, dataOffset + length));
    const more = continuationOffset >= 0 && (report[continuationOffset] ?? 0) !== 0;
    if (more) return;
    // The last report ends the scan, whether or not the scanner added a CR suffix.
    this.pushBytes(Uint8Array.from([...this.scan, 0x0a]));
    this.scan = [];
  }

  close(): Promise<void> {
    return this.device.close();
  }
}
