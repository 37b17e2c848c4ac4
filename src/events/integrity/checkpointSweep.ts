import type { Sweep } from '../../ledger/scheduler';
import type { SignedCheckpoint } from './checkpoint';
import type { CheckpointRecords } from './checkpointRecords';

/**
 * Checkpoints on a schedule: when the latest is older than the interval (or there is none), sign a new one.
 * (On demand: POST /v1/checkpoints, or `ledger checkpoint`.) Signing reads the whole log, so the interval
 * is hours, not the scheduler's minutes.
 */
export const checkpointWhenDue =
  (checkpoints: Pick<CheckpointRecords, 'latest'>, issue: () => Promise<SignedCheckpoint>, intervalMs: number): Sweep =>
  async (now) => {
    const latest = checkpoints.latest();
    if (latest && now.getTime() - Date.parse(latest.issuedAt) < intervalMs) return 0;
    await issue();
    return 1;
  };
