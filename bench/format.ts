/** How the bench writes its numbers: in the step log, the summary table and the README. */

export const formatNumber = (value: number): string => {
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
};

export const formatQuantity = (value: number, unit: string): string => `${formatNumber(value)} ${unit}`;

export const formatRatio = (ratio: number): string => `${ratio.toFixed(2)}×`;

export const formatPercent = (fraction: number): string =>
  Number.isFinite(fraction) ? `${Math.round(fraction * 100)}%` : 'unbounded';

export const formatCount = (value: number): string => Math.round(value).toLocaleString('en-US');
