/** The province hub (PROTOCOL.md §5). */
export { enrolSite, setStaff } from './admin.ts';
export { embeddedPath, type HubDb, openDatabase } from './db.ts';
export { type HubEnv, readHubEnv } from './env.ts';
export { type HubOptions, type RunningHub, startHub } from './hub.ts';
export { hubMosquittoAcl, hubMosquittoConf } from './mosquitto.ts';
export { coreSite } from './periods.ts';
export { project } from './project.ts';
export { HubStore, rebuildOfficerDays, rebuildServiceDays } from './store.ts';
export { officerDayDeltas, serviceDayDeltas } from './summaries.ts';
