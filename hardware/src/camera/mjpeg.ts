/** Splitting a camera's MJPEG byte stream into JPEG frames, on JPEG markers. */

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
