/** The page's one record of the current run (data/run-record.ts), fed by main.tsx from the worker's events. */
import { RunRecord } from '../data/run-record';

export const runRecord = new RunRecord();
