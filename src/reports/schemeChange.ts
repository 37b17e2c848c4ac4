import { readFileSync } from 'node:fs';
import { lintScheme } from '../ledger/catalogueLinter';
import { findRule, type GradeBand, type RuleItem, type Scheme } from '../ledger/scheme';
import { SchemeInvalidError } from '../ledger/schemeLoader';
import { schemaRegistry, type ValidationFailure } from '../schemaRegistry';

/**
 * A proposed change to a scheme, for a what-if: a small JSON file naming only what would change.
 *
 *   { "rules": { "TRF-TICKET": { "points": -3 }, "NBH-LITTERING": null },
 *     "gradeBands": [ six bands, highest first, as in a scheme file ],
 *     "effectMonths": { "positive": 24 } }
 *
 * A rule's fields are laid over the rule's own (`null` removes the rule), `gradeBands` replace the bands and
 * `effectMonths` are laid over the scheme's. The changed scheme must then pass the JSON Schema and the linter
 * every scheme file passes (schemeLoader.ts): a what-if never replays a scheme that could not be published.
 * Only existing rules can be changed: no entry was ever judged under a rule the scheme does not have.
 */
export interface SchemeChange {
  rules?: Record<string, Partial<Omit<RuleItem, 'code'>> | null>;
  gradeBands?: GradeBand[];
  effectMonths?: Partial<Scheme['effectMonths']>;
}

const changeableParts = ['rules', 'gradeBands', 'effectMonths'] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const ruleChangeFailures = (rules: unknown, scheme: Scheme): ValidationFailure[] => {
  if (!isObject(rules)) return [{ field: '/rules', message: 'is not an object of rule codes' }];
  return Object.entries(rules).flatMap(([code, ruleChange]): ValidationFailure[] => {
    const field = `/rules/${code}`;
    if (!findRule(scheme, code)) return [{ field, message: `is not a rule of ${scheme.version}` }];
    if (ruleChange === null) return [];
    if (!isObject(ruleChange)) return [{ field, message: 'is neither the fields to change nor null' }];
    return 'code' in ruleChange
      ? [{ field: `${field}/code`, message: 'cannot change: entries name their rule by it' }]
      : [];
  });
};

/** What is wrong with the change's own shape; the values are checked once laid over the scheme. */
const shapeFailures = (document: unknown, scheme: Scheme): ValidationFailure[] => {
  if (!isObject(document)) return [{ field: '', message: 'is not a JSON object' }];
  const parts = Object.keys(document);
  if (parts.length === 0) return [{ field: '', message: `changes nothing: give any of ${changeableParts.join(', ')}` }];
  const failures: ValidationFailure[] = parts
    .filter((part) => !(changeableParts as readonly string[]).includes(part))
    .map((part) => ({ field: `/${part}`, message: 'is not a part a what-if can change' }));
  if (document.rules !== undefined) failures.push(...ruleChangeFailures(document.rules, scheme));
  if (document.gradeBands !== undefined && !Array.isArray(document.gradeBands)) {
    failures.push({ field: '/gradeBands', message: 'is not an array of bands' });
  }
  if (document.effectMonths !== undefined && !isObject(document.effectMonths)) {
    failures.push({ field: '/effectMonths', message: 'is not an object of months by severity' });
  }
  return failures;
};

/** Reads a change file, refusing one that is not JSON or does not have the shape of a change to `scheme`. */
export const readSchemeChange = (file: string, scheme: Scheme): SchemeChange => {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SchemeInvalidError(file, [
      { field: '', message: `cannot be read as JSON (${(error as Error).message})` },
    ]);
  }
  const failures = shapeFailures(document, scheme);
  if (failures.length > 0) throw new SchemeInvalidError(file, failures);
  return document as SchemeChange;
};

const changedCatalogue = (catalogue: readonly RuleItem[], rules: SchemeChange['rules'] = {}): RuleItem[] =>
  catalogue.flatMap((rule) => {
    const ruleChange = rules[rule.code];
    if (ruleChange === null) return [];
    return [{ ...rule, ...ruleChange }];
  });

/**
 * The scheme with the change laid over it, under a version of its own (`<version>-what-if`) so that nothing
 * judged under it can pass for the published version. Throws SchemeInvalidError, naming the changed
 * scheme's field, when the result is not a scheme that could be published.
 */
export const applySchemeChange = (scheme: Scheme, change: SchemeChange, file: string): Scheme => {
  const changed: Scheme = {
    ...scheme,
    version: `${scheme.version}-what-if`,
    gradeBands: change.gradeBands ?? scheme.gradeBands,
    effectMonths: { ...scheme.effectMonths, ...change.effectMonths },
    catalogue: changedCatalogue(scheme.catalogue, change.rules),
  };
  const where = `${file} applied to ${scheme.version}`;
  const failure = schemaRegistry().validate('scheme.schema.json', changed);
  if (failure) throw new SchemeInvalidError(where, [failure]);
  const findings = lintScheme(changed);
  if (findings.length > 0) throw new SchemeInvalidError(where, findings);
  return changed;
};
