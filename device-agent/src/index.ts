export { type AgentHandle, DEFAULT_UI_DIST, type StartOptions, startAgent } from './agent.ts';
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
export { DEFAULT_CLIPS_DIR } from './devices.ts';
export { KioskProfile, printerStateOf } from './kiosk.ts';
export { LeaseKeeper, offlineTicketId, ticketNumber } from './leases.ts';
export { LinkError, type LinkErrorCode, ServerLink } from './link.ts';
export { type AgentLogger, createLogger, silentLogger } from './log.ts';
export { qrTextOf, type SimHooks, type SimulatedHardware } from './sim.ts';
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
