/** The server's logger is the one it shares with the device agent: `@oss/protocol/log` (redaction, levels). */
export {
  createLogger,
  LOG_LEVELS,
  type Logger,
  type LogLevel,
  LogLevelError,
  parseLogLevel,
  silentLogger,
} from '@oss/protocol/log';
