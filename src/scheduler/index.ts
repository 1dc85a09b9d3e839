// The scheduler component and its pure parts (filters, scores, message formatting).

export { scheduler, Scheduler, numFeasibleNodesToFind, type SchedulerOptions } from './scheduler.js';
export { fitErrorMessage, NO_NODES_MESSAGE } from './fit-error.js';
