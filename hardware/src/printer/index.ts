export { MonoCanvas } from './canvas.ts';
export { PrinterError, type PrinterErrorCode } from './errors.ts';
export {
  type CutMode,
  type DecodedJob,
  decodeEscPos,
  type EncodeOptions,
  encodeRasterJob,
} from './escpos.ts';
export { FONT_FILES, TrueTypeFont } from './font.ts';
export { PAPER_DOTS, type PaperWidth, renderTicket, type TicketLayout, ticketLayout } from './layout.ts';
export {
  createPrinter,
  EscPosPrinter,
  type PrinterConfig,
  type PrinterTransportConfig,
  type TicketPrinter,
  ticketToEscPos,
} from './printer.ts';
export { countDifferentDots, type MonoImage, monoToPng, pngToMono } from './raster.ts';
export { SimulatedPrinterTransport } from './simulator.ts';
export { type PrinterStatus, parseStatus } from './status.ts';
export { checkTicket, MAX_PRINTED_WAIT_MINUTES, type PrintableTicket, waitRange } from './ticket.ts';
export {
  FilePrinterTransport,
  type PrinterTransport,
  SerialPrinterTransport,
  TcpPrinterTransport,
} from './transports.ts';
