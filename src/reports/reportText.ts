import { grades } from '../ledger/scheme';
import type { DirectionTally, FairnessReport } from './fairness';
import { reversalFlagMinimumEntries, reversalFlagProbability } from './reversalOutliers';
import { changedListMax, type WhatIfResult } from './whatIf';

/**
 * The reports as an operator reads them at a terminal. Pure: a result in, lines of text out. The JSON form
 * (`--json`) carries everything; the text keeps to what fits on a screen.
 */

/** Lines of a list shown in text; the JSON has them all. */
export const textRowsMax = 20;

const number = (value: number): string => value.toLocaleString('en-US');
const signed = (value: number): string => (value > 0 ? `+${number(value)}` : number(value));
const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

const table = (rows: readonly (readonly string[])[]): string[] => {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
};

const indent = (lines: readonly string[]): string[] => lines.map((line) => `  ${line}`);

export const whatIfText = (result: WhatIfResult): string => {
  const matrix = [
    ['now \\ proposed', ...grades],
    ...grades.map((from) => [from, ...grades.map((to) => number(result.transitions[`${from}->${to}`] ?? 0))]),
  ];
  const listed = result.changed.slice(0, textRowsMax);
  return [
    `What-if at ${result.at} (log read to position ${result.position}), writing nothing`,
    `  ${result.currentVersion} as recorded, against ${result.proposedVersion}`,
    `  ${number(result.subjects)} subjects; ${number(result.changedTotal)} would change grade` +
      (result.entriesOfRemovedRules > 0
        ? `; ${number(result.entriesOfRemovedRules)} entries under removed rules would no longer count`
        : ''),
    '',
    ...indent(table(matrix)),
    ...(listed.length === 0
      ? []
      : [
          '',
          `  Would change grade (the first ${listed.length} of ${number(result.changedTotal)}; --json lists up to ${number(changedListMax)}):`,
          ...indent(
            indent(
              table(
                listed.map((change) => [
                  change.subjectId,
                  `${change.from} -> ${change.to}`,
                  `${change.scoreFrom} -> ${change.scoreTo}`,
                ]),
              ),
            ),
          ),
        ]),
  ].join('\n');
};

const tallyRows = (tallies: Record<string, DirectionTally>): string[][] => [
  ['', 'deductions', 'points', 'additions', 'points', 'grade caps'],
  ...Object.entries(tallies)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, tally]) => [
      name,
      number(tally.deductions.count),
      signed(tally.deductions.points),
      number(tally.additions.count),
      signed(tally.additions.points),
      number(tally.gradeCaps),
    ]),
];

export const fairnessText = (report: FairnessReport): string => {
  const { reversals, donations } = report;
  const flagged = reversals.flagged.slice(0, textRowsMax);
  return [
    `Fairness report (log read to position ${report.position}); entries that stand, reversed ones excluded`,
    '',
    'By sector:',
    ...indent(table(tallyRows(report.bySector))),
    '',
    'By authority:',
    ...indent(table(tallyRows(report.byAuthority))),
    '',
    typeof report.byDistrict === 'string' ? `By district: ${report.byDistrict}` : 'By district:',
    ...(typeof report.byDistrict === 'string' ? [] : indent(table(tallyRows(report.byDistrict)))),
    '',
    `Donations: ${signed(donations.donationPoints)} of ${signed(donations.additionPoints)} addition points` +
      (donations.share === null ? '' : ` (${percent(donations.share)})`),
    '',
    `Recorders: ${number(Object.keys(report.byRecorder).length)} (each one's tallies with --json)`,
    `  reversed on objection overall: ${percent(reversals.overallRate)}`,
    `  flagged (at least ${reversalFlagMinimumEntries} entries, and that many reversals at the overall rate ` +
      `less likely than ${reversalFlagProbability}): ${number(reversals.flagged.length)}`,
    ...(flagged.length === 0
      ? []
      : indent(
          indent(
            table([
              ['recorder', 'entries', 'reversed', 'rate', 'expected', 'chance'],
              ...flagged.map((recorder) => [
                recorder.recorder,
                number(recorder.entries),
                number(recorder.reversedOnObjection),
                percent(recorder.rate),
                recorder.expected.toFixed(1),
                recorder.probability.toExponential(1),
              ]),
            ]),
          ),
        )),
  ].join('\n');
};
