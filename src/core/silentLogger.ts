import type { Logger } from './types.js';

/** The logger used when none is given: the core logs nothing unless asked to. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
