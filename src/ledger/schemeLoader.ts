import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../projectRoot';
import { schemaRegistry, type ValidationFailure } from '../schemaRegistry';
import { lintScheme } from './catalogueLinter';
import type { Scheme } from './scheme';

/** A scheme file that cannot be used: unreadable, not JSON, not a Scheme, or refused by the linter. */
export class SchemeInvalidError extends Error {
  override readonly name = 'SchemeInvalidError';

  constructor(
    readonly file: string,
    readonly failures: readonly ValidationFailure[],
  ) {
    super(`${file}: ${failures.map(describe).join('; ')}`);
  }
}

/** A failure of the whole document (pointer ``) has no field to name. */
const describe = ({ field, message }: ValidationFailure): string => (field === '' ? message : `${field}: ${message}`);

const wholeFileFailure = (file: string, message: string): SchemeInvalidError =>
  new SchemeInvalidError(file, [{ field: '', message }]);

const readText = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw wholeFileFailure(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
};

const parseJson = (file: string, text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw wholeFileFailure(file, `is not valid JSON (${(error as Error).message})`);
  }
};

export const defaultSchemePath = (): string => join(projectRoot(), 'schemes', 'rongcheng.json');

/** Reads a scheme file and returns it only if it has the Scheme shape and the linter finds nothing. */
export const loadScheme = (file: string): Scheme => {
  const document = parseJson(file, readText(file));
  const failure = schemaRegistry().validate('scheme.schema.json', document);
  if (failure) throw new SchemeInvalidError(file, [failure]);
  const scheme = document as Scheme;
  const findings = lintScheme(scheme);
  if (findings.length > 0) throw new SchemeInvalidError(file, findings);
  return scheme;
};
