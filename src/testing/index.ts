export type { ApiFaultKind, CallbackFaultKind, ChaosOptions } from './chaos.js';
export { apiFaultKinds, callbackFaultKinds } from './chaos.js';
export type { ImageFault } from './images.js';
export { coverPng } from './png.js';
export type {
  CallbackAttempt,
  CoverScenario,
  CoverSimulator,
  CoverSimulatorOptions,
  SimulatedTask,
  SimulatorEndpoint,
  SimulatorFault,
  SimulatorRequest,
} from './simulator.js';
export { createCoverSimulator } from './simulator.js';
