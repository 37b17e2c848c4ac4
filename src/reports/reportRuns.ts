import { fairnessReport, type FairnessReport } from './fairness';
import { readPopulation } from './population';
import type { ReportSources } from './reportSources';
import { applySchemeChange, readSchemeChange } from './schemeChange';
import { whatIf, type WhatIfResult } from './whatIf';

/** The reports run on a ledger's sources: read the population once, then the pure report. Nothing is written. */

/** The what-if of the change in `changeFile` to the version in force at `at`. */
export const runWhatIf = async (
  { store, schemes }: Pick<ReportSources, 'store' | 'schemes'>,
  { changeFile, at }: { changeFile: string; at: Date },
): Promise<WhatIfResult> => {
  const current = schemes.forReading(at);
  const proposed = applySchemeChange(current, readSchemeChange(changeFile, current), changeFile);
  return whatIf(await readPopulation(store), { current, proposed, at });
};

/** The fairness report over the whole log. The ledger keeps no district of a subject, so none is given. */
export const runFairness = async ({
  store,
  schemes,
}: Pick<ReportSources, 'store' | 'schemes'>): Promise<FairnessReport> =>
  fairnessReport(await readPopulation(store), { schemes: schemes.versions });
