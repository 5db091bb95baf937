/**
 * The engine's failures, one class per kind, so that the worker, the CLI and the page tell
 * them apart by type (and, across the worker boundary, by their `kind`) rather than by the
 * wording of their messages.
 */

/** What the page is told about a failure: the kinds of error the engine throws. */
export type EngineErrorKind = 'config' | 'checkpoint' | 'nan';

/** A config or a parameter change the engine refuses (the message names the field and its range). */
export class ConfigError extends Error {
  readonly kind = 'config';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The reference checkpoint could not be read or decoded. */
export class CheckpointError extends Error {
  readonly kind = 'checkpoint';
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** Which number stopped being finite: the loss itself, or only its gradient (the global norm). */
export type NonFiniteReason = 'loss' | 'gradient';

/** A NaN or infinite loss: the step was not applied, the model keeps its last good weights. */
export class NonFiniteLossError extends Error {
  readonly kind = 'nan';
  /** The cause in words, without the iteration (the page names the iteration itself). */
  readonly detail: string;
  constructor(
    readonly iteration: number,
    readonly reason: NonFiniteReason,
    /** The loss as printed (NaN, Infinity), or the finite loss whose gradient was not. */
    readonly value: string,
  ) {
    const detail =
      (reason === 'loss' ? `the loss became ${value}.` : `the loss was finite (${value}) but its gradient was not.`) +
      ' The update was not applied.';
    super(`iteration ${iteration}: ${detail}`);
    this.detail = detail;
    this.name = 'NonFiniteLossError';
  }
}

/** The kind of any thrown value, for hosts that must report it: an engine error's own kind, else 'internal'. */
export function kindOf(e: unknown): EngineErrorKind | 'internal' {
  return e instanceof ConfigError || e instanceof CheckpointError || e instanceof NonFiniteLossError ? e.kind : 'internal';
}
