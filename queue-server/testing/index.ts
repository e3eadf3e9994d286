/**
 * Test helpers that start real parts: a site server in-process or as a child process (as `npm start`
 * runs it), real MQTT device clients, a real Mosquitto. For this package's tests and the others'.
 */
export { hasMosquitto, run, type TestMosquitto, testMosquitto, waitForPort } from './mosquitto.ts';
export { NODE_OPTIONS, runServerToExit, type ServerProcess, spawnServer } from './process.ts';
export {
  closedWithin,
  connectPacket,
  publishPacket,
  rawSocket,
  releasePiledUpDeliveries,
  subscribePacket,
} from './raw-mqtt.ts';
export {
  connectDevice,
  type DeviceClient,
  enrolDevice,
  filesUnder,
  freePort,
  nextMessage,
  okResult,
  signIn,
  startTestServer,
  startWithDevices,
  tempDir,
  testEnv,
} from './server.ts';
