/** The agent's logger is the one it shares with the server: `@oss/protocol/log` (redaction, levels). */
import type { Logger } from '@oss/protocol/log';

export { createLogger, parseLogLevel, silentLogger } from '@oss/protocol/log';
export type AgentLogger = Logger;
