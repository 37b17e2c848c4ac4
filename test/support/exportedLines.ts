import type { LogLine } from '../../src/cli/jsonLines';
import { eventDigest, genesisHash } from '../../src/events/integrity/eventHash';

/**
 * The lines of an export with every hash computed again along its stream, as whoever edits a line and seals the rest
 * of its stream again would: the file's own chain then holds, whatever was changed (only a checkpoint of the source
 * would show it). For tests about what the target holds rather than about the file's chain. A stream whose first line
 * is past revision 0 keeps that line's hash, and its later lines are chained onto it.
 */
export const sealedAgain = (texts: readonly string[]): string[] => {
  const heads = new Map<string, string>();
  return texts.map((text) => {
    const line = JSON.parse(text) as LogLine;
    const previous = heads.get(line.streamName) ?? (line.revision === '0' ? genesisHash : undefined);
    if (previous === undefined) {
      heads.set(line.streamName, line.hash ?? genesisHash);
      return text;
    }
    const hash = eventDigest(
      { ...line, revision: BigInt(line.revision), recordedAt: new Date(line.recordedAt) },
      previous,
    );
    heads.set(line.streamName, hash);
    return JSON.stringify({ ...line, hash });
  });
};
