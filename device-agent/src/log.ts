/** JSON-lines logger on stderr. Never give it personal data: callers log codes, ids and counts only. */
export interface AgentLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export function createLogger(name: string, write: (line: string) => void = (l) => process.stderr.write(l)) {
  const at = (level: string) => (fields: Record<string, unknown>, message: string) =>
    write(`${JSON.stringify({ t: new Date().toISOString(), level, name, msg: message, ...fields })}\n`);
  return { info: at('info'), warn: at('warn'), error: at('error') } satisfies AgentLogger;
}

export const silentLogger: AgentLogger = { info() {}, warn() {}, error() {} };
