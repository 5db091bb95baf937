/**
 * Opening an experiment: the route that shows its card beside the lab, and its first run
 * loaded into the lab as its lab link would load it. Learn chapters call these (or render
 * <ExperimentLink>) to send a student to the experiment that shows what a chapter explains.
 */
import { findExperiment, runConfig, runLink, type Experiment, type ExperimentRun } from '../../engine/experiments';
import { useLab } from '../store';
import { loadRun, withPageBackend } from './sequence';

/** The query string of an experiment's link (its first run's lab link plus `view=experiments&experiment=NAME`). */
export function experimentLink(name: string): string {
  const e = findExperiment(name);
  if (!e) throw new Error(`no experiment named ${JSON.stringify(name)}`);
  return `?${runLink(e)}`;
}

/** Loads one run of an experiment into the lab (on the page's backend). */
export function openRun(e: Experiment, run: ExperimentRun): void {
  loadRun(withPageBackend(runConfig(e, run)), run.timeline ?? []);
}

/** Shows the experiment's card beside the lab and loads its first run. */
export function openExperiment(name: string): void {
  const e = findExperiment(name);
  if (!e) return;
  useLab.getState().setRoute({ view: 'experiments', experiment: e.name });
  openRun(e, e.runs[0]!);
}
