import type { Sweep } from '../../ledger/scheduler';
import type { SignedCheckpoint } from './checkpoint';
import type { CheckpointRecords } from './checkpointRecords';

/**
 * Checkpoints on a schedule: when the latest is older than the interval (or there is none), sign a new one.
 * (On demand: POST /v1/checkpoints, or `ledger checkpoint`.) Signing hashes the events appended since the
 * previous checkpoint (issueCheckpointFrom); the interval is hours all the same, as auditors fetch them.
 */
export const checkpointWhenDue =
  (checkpoints: Pick<CheckpointRecords, 'latest'>, issue: () => Promise<SignedCheckpoint>, intervalMs: number): Sweep =>
  async (now) => {
    const latest = checkpoints.latest();
    if (latest && now.getTime() - Date.parse(latest.issuedAt) < intervalMs) return 0;
    await issue();
    return 1;
  };
