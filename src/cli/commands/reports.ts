import { clockOf, isoInstantOf, notAnInstant, readConfig } from '../../config';
import { openReportSources, type ReportSources } from '../../reports/reportSources';
import { runFairness, runWhatIf } from '../../reports/reportRuns';
import { fairnessText, whatIfText } from '../../reports/reportText';
import type { Command } from 'commander';

/**
 * `whatif` and `fairness`: reports over the whole log; they write nothing.
 */

const withReportSources = async (use: (sources: ReportSources) => Promise<string>): Promise<void> => {
  const sources = await openReportSources(readConfig());
  try {
    process.stdout.write(`${await use(sources)}\n`);
  } finally {
    await sources.close();
  }
};

/** An instant given on the command line; a refusal names the option it was given as (`--at`, `--as-of`). */
export const instantOption = (text: string, option: string): Date => {
  const instant = isoInstantOf(text);
  if (!instant) throw new Error(notAnInstant(option, text));
  return instant;
};

/** The what-if report (`whatif`, and `replay --what-if`): grades now and under the change, counted. */
export const printWhatIf = async (options: { scheme: string; at?: Date; json?: boolean | undefined }) => {
  const at = options.at ?? clockOf(readConfig())();
  await withReportSources(async (sources) => {
    const result = await runWhatIf(sources, { changeFile: options.scheme, at });
    return options.json ? JSON.stringify(result, null, 2) : whatIfText(result);
  });
};

export const registerReports = (program: Command): void => {
  program
    .command('whatif')
    .description(
      'replay every subject under a proposed change to the scheme and count who would change grade; writes nothing',
    )
    .requiredOption(
      '--scheme <file>',
      'the proposed change: JSON naming rules, gradeBands or effectMonths to change (see src/reports/schemeChange.ts)',
    )
    .option('--at <instant>', 'compare grades at this ISO instant (default now)')
    .option('--json', 'print the whole result as JSON')
    .action((options: { scheme: string; at?: string; json?: boolean }) =>
      printWhatIf({
        scheme: options.scheme,
        ...(options.at ? { at: instantOption(options.at, '--at') } : {}),
        json: options.json,
      }),
    );

  program
    .command('fairness')
    .description(
      'deductions and additions by recorder, sector and authority, unusual reversal rates, donation share; writes nothing',
    )
    .option('--json', 'print the whole report as JSON')
    .action(async (options: { json?: boolean }) => {
      await withReportSources(async (sources) => {
        const report = await runFairness(sources);
        return options.json ? JSON.stringify(report, null, 2) : fairnessText(report);
      });
    });
};
