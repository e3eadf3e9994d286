/**
 * Writes what the printer would print as a PNG: `npm run ticket:preview -- [out.png] [--58] [--offline]`.
 * The image is decoded back from the ESC/POS bytes, so it shows the real print job.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeEscPos } from './escpos.ts';
import { ticketToEscPos } from './printer.ts';
import { monoToPng } from './raster.ts';
import { sampleOfflineTicket, sampleTicket } from './sample.ts';

const args = process.argv.slice(2);
const out = resolve(args.find((a) => !a.startsWith('--')) ?? 'ticket-preview.png');
const paper = args.includes('--58') ? '58mm' : '80mm';
const ticket = args.includes('--offline') ? sampleOfflineTicket() : sampleTicket();
const bytes = ticketToEscPos(ticket, paper);
const { image } = decodeEscPos(bytes);
writeFileSync(out, monoToPng(image));
console.log(`Đã ghi ${out} (${image.width}×${image.height} chấm, ${bytes.length} byte ESC/POS)`);
console.log(`Wrote ${out} (${image.width}×${image.height} dots, ${bytes.length} ESC/POS bytes)`);
