/** The server's logger is the one it shares with the device agent: `@oss/protocol/log` (redaction, levels). */
export {
  createLogger,
  type Logger,
  type LogLevel,
  LOG_LEVELS,
  LogLevelError,
  parseLogLevel,
  silentLogger,
} from '@oss/protocol/log';
