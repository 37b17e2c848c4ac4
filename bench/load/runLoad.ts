import { runBenchScript } from '../benchScript';
import { loadSpecVariable, type LoadOutcome, type LoadSpec } from './loadSpec';

/** Runs one load in a generator process of its own (loadGenerator.ts) and returns what it measured. */
export const runLoad = async (spec: LoadSpec): Promise<LoadOutcome> => {
  const { result } = await runBenchScript<LoadOutcome>('load/loadGenerator.js', [], {
    [loadSpecVariable]: JSON.stringify(spec),
  });
  return result;
};
