import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { groupsInFlightMax, type CommitWorker } from '../events/adapters/sqliteCommitWorker';
import { canonicalJson } from '../events/canonicalJson';
import {
  appendBatchMaxEvents,
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type EventStore,
  type RecordedEvent,
} from '../events/eventStore';
import type { EventTexts } from '../events/integrity/chainLinks';
import type { SchemaRegistry } from '../schemaRegistry';
import { newEventOf, parseLogLine, type LogLine } from './jsonLines';
import { appendResuming } from './resumableAppend';
import { createSourceChain } from './sourceChain';

/**
 * Reads an export (jsonLines.ts) line by line and appends its events, each stream's at the revisions the file
 * gives: a line at revision r is appended with expected revision r − 1 (no_stream for 0), consecutive lines of
 * one stream together (at most appendBatchMaxEvents). Memory holds one commit's lines, never the file, and one
 * (revision, hash) pair per stream for the file's chain.
 *
 * The file's own chain. Each line is checked against the source's hash chain as it is read, before it joins a
 * group (sourceChain.ts): the lines in the log's order, each stream's revisions counting up from 0, each hash the
 * digest of its line chained onto the previous line of its stream. The importing store seals the events again with
 * hashes of its own, so a line edited, removed or moved in the file would otherwise pass `verify` afterwards. A line
 * that breaks the chain stops the import, naming the line, stream, revision and reason; nothing of its group is
 * written, on any store.
 *
 * Resuming. Events the stream already holds at their revisions are compared with the lines, not written
 * again (resumableAppend.ts): re-importing a file writes nothing, and an import cut off part-way completes
 * without duplicates when started again from the first line. A line whose revision holds another event (other
 * id, type, data or metadata) stops the import, naming the line; so does a line whose stream lacks the
 * revisions before it, and a line that is not a valid event (shape, or data against its event's schema).
 * What came before the stopping line's commit group is stored (every line of it checked against the file's chain),
 * and a rerun with the whole genuine file completes it; on SQLite the group itself is not (bulkStore.ts), elsewhere
 * the appends before the stopping one are, unless the line was stopped as it was read (its chain, or a stream it
 * starts past what the target holds), before any of its group was appended.
 *
 * On SQLite a commit worker (sqliteCommitWorker.ts) inserts and commits each group on a second core while the
 * next are read, up to two groups in flight: a group whose runs each follow their stream's head goes there, and any
 * other group (one that overlaps stored events, or that the worker refused, or one after that) through the store,
 * whose checks decide it as above.
 */

/** Lines appended in one commit (bulkStore.ts): about a thousand events, as the seed's groups. */
export const linesPerCommit = 1_000;

export interface ImportOptions {
  store: EventStore;
  input: Readable;
  schemas: SchemaRegistry;
  inOneCommit?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Called after each commit with the lines and bytes read up to the group it made durable. */
  onProgress?: (progress: { lines: number; bytes: number }) => void;
  /** Where the store has one (bulkStore.ts): commits the groups that follow their streams' heads. */
  commitWorker?: CommitWorker;
}

export interface ImportSummary {
  lines: number;
  eventsWritten: number;
  /** Events the store held already at their revisions: a re-import, or an import resumed. */
  eventsAlreadyStored: number;
}

/** A line that the store's stream contradicts: another event at its revision, or revisions missing before it. */
export class ImportConflictError extends Error {
  override readonly name = 'ImportConflictError';
  constructor(
    readonly lineNumber: number,
    readonly stream: string,
    detail: string,
  ) {
    super(`line ${lineNumber}: stream ${stream} ${detail}; the import stopped there`);
  }
}

/** Consecutive lines of one stream at consecutive revisions: one append. */
interface StreamRun {
  stream: string;
  firstRevision: bigint;
  firstLine: number;
  lines: LogLine[];
  /** The lines' data and metadata as canonical JSON, as the file's chain was checked with them. */
  texts: EventTexts[];
}

/** The runs of one commit, and how far the file had been read when it was cut. */
interface CommitGroup {
  runs: StreamRun[];
  lines: number;
  bytes: number;
}

const differingField = (stored: RecordedEvent, line: LogLine): string | undefined => {
  if (stored.id !== line.id) return 'id';
  if (stored.type !== line.type) return 'type';
  if (canonicalJson(stored.data) !== canonicalJson(line.data)) return 'data';
  if (canonicalJson(stored.metadata) !== canonicalJson(line.metadata)) return 'metadata';
  return undefined;
};

/** The target's stream does not end just before the revision a line needs: it does not exist, or ends elsewhere. */
const cannotFollow = (lineNumber: number, stream: string, held: bigint | 'no_stream', revision: bigint) =>
  new ImportConflictError(
    lineNumber,
    stream,
    `${held === 'no_stream' ? 'does not exist yet' : `ends at revision ${held}`}, so revision ${revision} cannot follow`,
  );

const appendRun = async (store: EventStore, run: StreamRun): Promise<{ appended: number; alreadyStored: number }> => {
  const { stream, firstRevision, firstLine, lines } = run;
  try {
    return await appendResuming(store, stream, firstRevision, lines.map(newEventOf), (stored, index) => {
      const field = differingField(stored, lines[index] as LogLine);
      if (field) {
        throw new ImportConflictError(
          firstLine + index,
          stream,
          `holds another event at revision ${stored.revision} (its ${field} differs: event ${stored.id})`,
        );
      }
    });
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) throw cannotFollow(firstLine, stream, error.actual, firstRevision);
    if (error instanceof DuplicateEventIdError) {
      const index = lines.findIndex((line) => line.id === error.eventId);
      throw new ImportConflictError(
        firstLine + Math.max(index, 0),
        stream,
        `gets event ${error.eventId}, already stored elsewhere`,
      );
    }
    throw error;
  }
};

/**
 * The event the target holds just before a line that starts its stream in the file past revision 0; without it the
 * line is refused as the store's append would refuse it.
 */
const previousInTarget = async (
  store: EventStore,
  line: LogLine,
  revision: bigint,
  lineNumber: number,
): Promise<RecordedEvent> => {
  const [previous] = await store.readStream(line.streamName, { fromRevision: revision - 1n, maxCount: 1 });
  if (previous?.revision === revision - 1n) return previous;
  throw cannotFollow(lineNumber, line.streamName, await store.getStreamRevision(line.streamName), revision);
};

export const importLog = async ({
  store,
  input,
  schemas,
  inOneCommit = (work) => work(),
  onProgress,
  commitWorker,
}: ImportOptions): Promise<ImportSummary> => {
  const summary: ImportSummary = { lines: 0, eventsWritten: 0, eventsAlreadyStored: 0 };
  let bytes = 0;
  let runs: StreamRun[] = [];
  let pendingLines = 0;
  /** The groups the commit worker holds, oldest first, at most groupsInFlightMax. */
  const inFlight: { group: CommitGroup; committed: Promise<boolean> }[] = [];

  const written = (group: CommitGroup, appended: number, alreadyStored: number): void => {
    summary.eventsWritten += appended;
    summary.eventsAlreadyStored += alreadyStored;
    onProgress?.({ lines: group.lines, bytes: group.bytes });
  };

  const appendThroughStore = async (group: CommitGroup): Promise<void> => {
    let appended = 0;
    let alreadyStored = 0;
    await inOneCommit(async () => {
      for (const run of group.runs) {
        const outcome = await appendRun(store, run);
        appended += outcome.appended;
        alreadyStored += outcome.alreadyStored;
      }
    });
    written(group, appended, alreadyStored);
  };

  /**
   * Waits for the oldest group in flight; false when the worker refused it. The store then appends it, and every group
   * after it, which the worker refuses too (they were linked onto its rows), in order; then the worker takes groups
   * again. If the store refuses one of them, the later ones stay unwritten and its error goes on.
   */
  const settleOldest = async (): Promise<boolean> => {
    const oldest = inFlight.shift();
    if (!oldest) return true;
    if (await oldest.committed) {
      written(oldest.group, eventsOf(oldest.group), 0);
      return true;
    }
    try {
      await appendThroughStore(oldest.group);
      for (const { group, committed } of inFlight.splice(0)) {
        await committed;
        await appendThroughStore(group);
      }
    } finally {
      commitWorker?.resume();
    }
    return false;
  };

  /** Waits for every group in flight, oldest first. */
  const settle = async (): Promise<void> => {
    while (inFlight.length > 0) await settleOldest();
  };

  const commit = async (): Promise<void> => {
    if (runs.length === 0) return;
    const group: CommitGroup = { runs, lines: summary.lines, bytes };
    runs = [];
    pendingLines = 0;
    if (!commitWorker) return appendThroughStore(group);
    const newRuns = group.runs.map((run) => ({ ...run, events: run.lines.map(newEventOf) }));
    // Linked while the groups before commit, onto the heads they leave; again if one was refused.
    let linked = commitWorker.link(newRuns);
    if (inFlight.length >= groupsInFlightMax && !(await settleOldest())) linked = commitWorker.link(newRuns);
    if (!linked) {
      await settle();
      return appendThroughStore(group);
    }
    inFlight.push({ group, committed: commitWorker.commit(linked) });
  };

  const chain = createSourceChain();
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const text of lines) {
      summary.lines += 1;
      bytes += Buffer.byteLength(text) + 1;
      const line = parseLogLine(text, summary.lines, schemas);
      const revision = BigInt(line.revision);
      // Before the line joins a group: a group is written only once every line of it has been checked.
      const previous = chain.startsMidStream(line, revision)
        ? await previousInTarget(store, line, revision, summary.lines)
        : undefined;
      const texts = previous
        ? chain.continueFrom(line, revision, summary.lines, previous)
        : chain.check(line, revision, summary.lines);
      const run = runs.at(-1);
      const continues =
        run?.stream === line.streamName &&
        run.firstRevision + BigInt(run.lines.length) === revision &&
        run.lines.length < appendBatchMaxEvents;
      if (run && continues) {
        run.lines.push(line);
        run.texts.push(texts);
      } else {
        runs.push({
          stream: line.streamName,
          firstRevision: revision,
          firstLine: summary.lines,
          lines: [line],
          texts: [texts],
        });
      }
      pendingLines += 1;
      if (pendingLines >= linesPerCommit) await commit();
    }
    await commit();
  } catch (error) {
    // The groups before the stopping line's are stored, as without the worker; a refusal among them, earlier in
    // the file, is the one reported.
    await settle();
    throw error;
  }
  await settle();
  return summary;
};

const eventsOf = (group: CommitGroup): number => group.runs.reduce((sum, run) => sum + run.lines.length, 0);
