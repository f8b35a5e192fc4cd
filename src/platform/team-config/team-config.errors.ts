import { AppError, notFound } from '../../shared/errors.ts';

/** A config file that does not validate: every problem, each with its path in the file. */
export class ConfigInvalidError extends AppError {
  constructor(problems: readonly string[]) {
    super('VALIDATION_FAILED', 400, problems);
    this.name = 'ConfigInvalidError';
  }
}

/** A valid file that cannot be applied to what is stored (e.g. pruning an object still in use). */
export class ConfigApplyError extends AppError {
  constructor(messages: string | readonly string[], options?: { cause?: unknown }) {
    super('CONFLICT', 409, messages, options);
    this.name = 'ConfigApplyError';
  }
}

export const unknownTeam = (slug: string): AppError => notFound(`Unknown team "${slug}"`);
export const teamMismatch = (fileSlug: string, slug: string): AppError =>
  new AppError('BAD_REQUEST', 400, `team.slug: the file describes team "${fileSlug}" but --team is "${slug}"`);
