import { canonicalJson } from '../events/canonicalJson';
import type { RecordedEvent } from '../events/eventStore';
import type { EventTexts } from '../events/integrity/chainLinks';
import { createLogVerifier, type LogFaultReason } from '../events/integrity/verifyLog';
import type { LogLine } from './jsonLines';

/**
 * The export's own hash chain, checked as `ledger import` reads the file (importLog.ts), before the line goes into a
 * commit group. A line holds every input of its chain digest (jsonLines.ts), so each line is hashed once, onto the
 * hash of the line before it in its stream, as `verify` checks a stored log (integrity/verifyLog.ts): the lines
 * must be in the log's order (positions rising), each stream's revisions must count 0, 1, 2, … with none missing,
 * repeated or moved, and each line's hash must be the digest of its content chained onto the previous line's. The
 * importing store seals the events again with hashes of its own, so this is the only point where the file can be
 * held against the source's chain.
 *
 * A stream whose first line in the file is past revision 0 is checked against the target: its line must chain onto
 * the hash of the event the target holds at the revision before (the target holds the source's earlier events,
 * sealed as the source sealed them); a target that lacks them refuses the line as the store's append would.
 *
 * Memory: one (revision, hash) pair per stream, as `verify` keeps: it grows with the streams, not the lines.
 *
 * What the chain cannot show: lines cut from the end of a stream (the file carries no checkpoint or count that
 * bounds it), and an edit whose author computed every later hash of the stream again. A signed checkpoint of the
 * source (`ledger checkpoint`, `ledger verify --checkpoint`) covers both, but the export does not carry one.
 */

/** Why a line breaks the file's chain: as `verify` names a fault, or a stream begun mid-way off the target's chain. */
export type SourceChainFault = LogFaultReason | 'starts-mid-stream';

const explanations: Record<SourceChainFault, string> = {
  'position-out-of-order': "the line is not in the log's order after the line before it: lines were moved",
  'revision-out-of-sequence':
    'its revision does not follow the previous line of its stream: a line of the stream was removed, repeated ' +
    'or moved',
  'event-malformed': 'the line cannot be hashed',
  'hash-missing': 'the line carries no hash, so its link in the chain cannot be checked',
  'hash-mismatch':
    'its hash is not the digest of its content chained onto the previous line of its stream: the line, or an ' +
    'earlier line of its stream, was edited',
  'starts-mid-stream':
    'the file starts the stream after revision 0, and the line does not chain onto the event the target holds at ' +
    'the revision before',
};

/** A line at which the file's own hash chain does not hold. */
export class SourceChainBrokenError extends Error {
  override readonly name = 'SourceChainBrokenError';
  constructor(
    readonly lineNumber: number,
    readonly stream: string,
    readonly revision: bigint,
    readonly reason: SourceChainFault,
    detail: string,
  ) {
    super(
      `line ${lineNumber}: stream ${stream} revision ${revision} breaks the file's hash chain (${reason}): ` +
        `${explanations[reason]} (${detail}); the import stopped there`,
    );
  }
}

interface SourceChain {
  /** Whether the line is the first of its stream in the file and past revision 0: check it with `continueFrom`. */
  startsMidStream(line: LogLine, revision: bigint): boolean;
  /**
   * Checks the line onto the previous line of its stream in the file (or the genesis link at revision 0). Answers
   * the texts it hashed, the line's data and metadata as canonical JSON, for the target's own link (chainLinks.ts).
   */
  check(line: LogLine, revision: bigint, lineNumber: number): EventTexts;
  /** Checks a line that startsMidStream onto `previous`, the event the target holds at the revision before it. */
  continueFrom(line: LogLine, revision: bigint, lineNumber: number, previous: RecordedEvent): EventTexts;
}

export const createSourceChain = (): SourceChain => {
  const verifier = createLogVerifier();

  /** The verifier's fault for the line, if any (its detail without the `stream@revision: ` it starts with). */
  const faultOf = (
    line: LogLine,
    revision: bigint,
    texts: EventTexts,
  ): { reason: LogFaultReason; detail: string } | undefined => {
    const verdict = verifier.check({
      streamName: line.streamName,
      revision,
      position: line.position,
      id: line.id,
      type: line.type,
      ...texts,
      recordedAt: line.recordedAt,
      ...(line.hash === undefined ? {} : { hash: line.hash }),
    });
    if (verdict === undefined || verdict.ok) return undefined;
    const prefix = `${line.streamName}@${revision}: `;
    const detail = verdict.detail.startsWith(prefix) ? verdict.detail.slice(prefix.length) : verdict.detail;
    return { reason: verdict.reason, detail: detail.replace(/^stored /, "the line's hash ") };
  };
  const textsOf = (line: LogLine): EventTexts => ({
    dataJson: canonicalJson(line.data),
    metadataJson: canonicalJson(line.metadata),
  });

  /** Checks the line's link; a hash mismatch is told by `onMismatch` when given, every other fault as found. */
  const checked = (
    line: LogLine,
    revision: bigint,
    lineNumber: number,
    onMismatch?: (detail: string) => never,
  ): EventTexts => {
    const texts = textsOf(line);
    const fault = faultOf(line, revision, texts);
    if (fault?.reason === 'hash-mismatch' && onMismatch) return onMismatch(fault.detail);
    if (fault) throw new SourceChainBrokenError(lineNumber, line.streamName, revision, fault.reason, fault.detail);
    return texts;
  };

  return {
    startsMidStream: (line, revision) => revision > 0n && verifier.headOf(line.streamName) === undefined,

    check: (line, revision, lineNumber) => checked(line, revision, lineNumber),

    continueFrom(line, revision, lineNumber, previous) {
      const refuse = (detail: string): never => {
        throw new SourceChainBrokenError(lineNumber, line.streamName, revision, 'starts-mid-stream', detail);
      };
      if (previous.hash === undefined) {
        return refuse(`the target's event at revision ${previous.revision} carries no hash`);
      }
      verifier.continueStream(line.streamName, { revision: previous.revision, hash: previous.hash });
      return checked(line, revision, lineNumber, (detail) =>
        refuse(`the target's event at revision ${previous.revision} has hash ${previous.hash}; ${detail}`),
      );
    },
  };
};
