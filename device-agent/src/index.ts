export {
  type AgentHandle,
  DEFAULT_CLIPS_DIR,
  DEFAULT_UI_DIST,
  qrTextOf,
  type SimHooks,
  type SimulatedHardware,
  type StartOptions,
  startAgent,
} from './agent.ts';
export { CACHED_API_PATHS, SiteCatalog } from './catalog.ts';
export {
  type AgentConfig,
  AgentConfigSchema,
  ConfigError,
  checkConfig,
  DEFAULTS,
  loadConfig,
} from './config.ts';
export {
  type CounterButton,
  CounterProfile,
  noEstimator,
  type SatisfactionEstimate,
  type SatisfactionEstimator,
} from './counter.ts';
export { KioskProfile, printerStateOf } from './kiosk.ts';
export { LeaseKeeper, offlineTicketId, ticketNumber } from './leases.ts';
export { LinkError, type LinkErrorCode, ServerLink } from './link.ts';
export { type AgentLogger, createLogger, silentLogger } from './log.ts';
export {
  CallAnnouncer,
  type ClipPlayer,
  CommandPlayer,
  callClips,
  clipCatalogue,
  numberWords,
  SimulatedPlayer,
} from './speech.ts';
export { AgentStore } from './store.ts';
