export {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  test,
  type BullmqKit,
  type HarnessFixtures,
} from './test.js';
export * from './services.js';
export { ResourceTracker, LeakError, type TrackedResource } from './track-resources.js';
export { startAppProcess, type AppProcess } from './start-app-process.js';
export { runAppUntilListening, type ListeningApp } from './run-app-until-listening.js';
export { waitUntil } from './wait-until.js';
export { startTcpProxy, type TcpProxy } from './start-tcp-proxy.js';
export { captureLogLines, type CapturedLogLines } from './capture-log-lines.js';
