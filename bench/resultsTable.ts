import type { BenchResults } from './benchResults';
import type { FigureResult } from './figureResult';
import { formatCount, formatNumber, formatPercent, formatQuantity, formatRatio } from './format';
import { expectationText } from './growth';
import { machineLine } from './machine';
import { spreadRefusalThreshold, type Summary } from './stats';

/**
 * The results as markdown tables, for stdout and the README: a row per figure per population (ours, baseline,
 * ratio, goal, met or the measured gap) and a line per figure for growth from the smallest population to the
 * largest.
 */

/** How the metrics beside a figure's value read in its cell. */
const extraMetricLabels: Record<string, { label: string; unit: string }> = {
  p50Ms: { label: 'p50', unit: 'ms' },
  p99Ms: { label: 'p99', unit: 'ms' },
  heapBytesPerSubject: { label: 'heap', unit: 'B/subject' },
  reportedSeconds: { label: 'own time', unit: 's' },
  listeningSeconds: { label: 'listening after', unit: 's' },
  secondsForTenMillionEvents: { label: '10 M events in', unit: 's' },
};

const refusal = (summary: Summary): string =>
  `refused: runs disagree, spread ${formatPercent(summary.spread)} (runs ${summary.runs.map(formatNumber).join(', ')})`;

const extras = (metrics: Record<string, Summary>, primary: string): string[] =>
  Object.entries(metrics).flatMap(([name, summary]) => {
    const shown = extraMetricLabels[name];
    if (name === primary || !shown) return [];
    return [
      summary.refused
        ? `${shown.label} refused (spread ${formatPercent(summary.spread)})`
        : `${shown.label} ${formatQuantity(summary.median, shown.unit)}`,
    ];
  });

const sideCell = (
  side: FigureResult | NonNullable<FigureResult['baseline']>,
  unit: string,
  primary: string,
): string => {
  const summary = side.metrics[primary];
  if (!summary) return '–';
  if (summary.refused) return refusal(summary);
  return [formatQuantity(summary.median, unit), ...extras(side.metrics, primary)].join(', ');
};

/** A failure's message can quote a command's stderr: the table shows its start, the results file all of it. */
const failureCellChars = 240;

const oursCell = (result: FigureResult): string =>
  result.failure
    ? `failed: ${result.failure.slice(0, failureCellChars)}${result.failure.length > failureCellChars ? '…' : ''}`
    : sideCell(result, result.unit, result.metric);

const baselineCell = (result: FigureResult): string =>
  result.baseline && !result.failure ? sideCell(result.baseline, result.unit, result.metric) : '–';

const metCell = (result: FigureResult): string => {
  if (result.failure) return 'not measured';
  if (result.met === true) return 'yes';
  const open = result.checks.filter((check) => check.met !== true).map((check) => `${check.goal}: ${check.detail}`);
  return `${result.met === false ? 'no' : 'undecided'}: ${open.join('; ')}`;
};

/** One line for the step log. */
export const figureLine = (result: FigureResult): string =>
  `${oursCell(result)}; baseline ${baselineCell(result)}; ratio ${result.ratio === null ? '–' : formatRatio(result.ratio)}; met ${metCell(result)}`;

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

const markdownTable = (headers: readonly string[], rows: readonly (readonly string[])[]): string =>
  [headers, headers.map(() => '---'), ...rows].map((row) => `| ${row.map(cell).join(' | ')} |`).join('\n');

const figureRows = (results: BenchResults): string[][] =>
  results.populations.flatMap((population) =>
    population.figures.map((result) => [
      result.title,
      formatCount(population.events),
      oursCell(result),
      baselineCell(result),
      result.ratio === null ? '–' : formatRatio(result.ratio),
      result.goal,
      metCell(result),
    ]),
  );

const growthRows = (results: BenchResults): string[][] =>
  results.growth.map((line) => [
    line.title,
    expectationText[line.expectation],
    ...line.points.map((point) => (point.value === null ? '–' : formatQuantity(point.value, line.unit))),
    line.change === null ? '–' : `${line.change >= 0 ? '+' : ''}${formatPercent(line.change)}`,
    line.met === null ? 'undecided' : line.met ? 'yes' : 'no',
  ]);

/** What each figure measured exactly, as its runs on the largest population describe it. */
const noteLines = (results: BenchResults): string[] =>
  (results.populations.at(-1)?.figures ?? []).flatMap((result) =>
    result.notes.length > 0 ? [`- ${result.title}: ${result.notes.join('; ')}.`] : [],
  );

export const resultsMarkdown = (results: BenchResults): string => {
  const sizes = results.populations.map((population) => `${formatCount(population.events)} events`);
  const minutes = Math.round(results.durationSeconds / 60);
  return [
    `Measured ${results.date} (${results.mode} run, ${minutes} min) on ${machineLine(results.machine)}. ` +
      `Each figure is the median of ${results.settings.runs} runs, each baseline's runs alternated with ours; ` +
      `a figure whose runs spread more than ${formatPercent(spreadRefusalThreshold)} is refused.`,
    '',
    markdownTable(['figure', 'size (events)', 'ours', 'baseline', 'ratio', 'goal', 'met'], figureRows(results)),
    ...(results.growth.length > 0
      ? ['', markdownTable(['growth', 'expectation', ...sizes, 'change', 'holds'], growthRows(results))]
      : []),
    ...(noteLines(results).length > 0 ? ['', ...noteLines(results)] : []),
  ].join('\n');
};
