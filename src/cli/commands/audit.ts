import { userInfo } from 'node:os';
import { purposeOf } from '../../api/accessPurpose';
import type { Principal } from '../../api/auth/principal';
import { readFileSync, writeFileSync } from 'node:fs';
import { verifyCheckpoint, type SignedCheckpoint } from '../../events/integrity/checkpoint';
import { verifyStoredLog } from '../../events/integrity/logAudit';
import { subjectStream } from '../../events/ledgerEvents';
import { subjectAsOf, type ReplayView } from '../../ledger/replay';
import { scoreAt } from '../../ledger/score';
import { withLedger } from '../withLedger';
import { instantOption, printWhatIf } from './reports';
import { elapsed, progressBar } from '../progress';
import type { Command } from 'commander';

/**
 * The auditor's commands: `replay` as of an instant, `checkpoint`, `verify`.
 */

/** The audit commands read the store alone: the projections are neither needed nor caught up. */
const auditOnly = { logLevel: 'warn', followProjections: false };

/** The operator at this machine, as the access log names a viewer: their login, in the form of an actor id. */
const operator = (): Principal => ({
  id: `operator:${userInfo().username.replace(/[^A-Za-z0-9_.:@-]/g, '_')}`.slice(0, 128),
  kind: 'person',
  roles: ['operator'],
});

/** Verification redraws its progress bar once per this many events. */
const progressEveryEvents = 10_000;

export const registerAudit = (program: Command): void => {
  program
    .command('replay')
    .description(
      "a subject's score, grade and explanation as of an instant, folded from the store; or, with --what-if, the whole population under a proposed scheme change",
    )
    .option('--subject <id>', 'the subject')
    .option('--as-of <instant>', 'an ISO date-time, e.g. 2026-04-15T00:00:00+08:00')
    .option(
      '--view <view>',
      'known (what the ledger showed then) or corrected (with the corrections made since)',
      'corrected',
    )
    .option('--what-if <file>', 'replay every subject under this proposed scheme change instead (as `whatif --scheme`)')
    .option('--json', 'with --what-if: print the whole result as JSON')
    .action(async (options: { subject?: string; asOf?: string; view: string; whatIf?: string; json?: boolean }) => {
      if (options.whatIf) {
        if (options.subject) throw new Error('--what-if replays every subject: leave out --subject');
        await printWhatIf({
          scheme: options.whatIf,
          ...(options.asOf ? { at: instantOption(options.asOf, '--as-of') } : {}),
          json: options.json,
        });
        return;
      }
      if (!options.subject || !options.asOf) throw new Error('replay needs --subject and --as-of (or --what-if)');
      const subjectId = options.subject;
      const at = instantOption(options.asOf, '--as-of');
      if (options.view !== 'known' && options.view !== 'corrected') throw new Error('--view is known or corrected');
      const view: ReplayView = options.view;
      await withLedger(async (service) => {
        const replayed = subjectAsOf(await service.store.readStream(subjectStream(subjectId)), view, at);
        if (!replayed) throw new Error(`subject ${subjectId} was not registered by ${at.toISOString()}`);
        const score = scoreAt(service.schemes.forReading(at), replayed.baseline, replayed.entries, at);
        // A read of the subject's record like any other (DESIGN §1.7): the subject sees the operator read it.
        const viewer = operator();
        service.recorder.record({ subjectId, viewer, purpose: purposeOf(viewer.roles), what: 'replay' });
        process.stdout.write(`${JSON.stringify({ subjectId, asOf: at.toISOString(), view, ...score }, null, 2)}\n`);
      }, auditOnly);
    });

  program
    .command('checkpoint')
    .description('issue a signed checkpoint of the whole log (tree size, RFC 9162 root, time, signature)')
    .option('--out <file>', "also write it to this file: keep a copy outside the operator's reach")
    .action(async (options: { out?: string }) => {
      await withLedger(async (service) => {
        const checkpoint = await service.issueCheckpoint();
        const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
        if (options.out) writeFileSync(options.out, text);
        process.stdout.write(text);
      }, auditOnly);
    });

  /**
   * Without an outside checkpoint, verify can prove the chains and the tree consistent with each other, not that the
   * log is whole: whoever can rewrite the database can cut its tail or rewrite it with new hashes and a new
   * checkpoint, signed by the key the same file holds.
   */
  const ownCheckpointCaveat = (found: boolean): string =>
    `note: ${found ? "checked against the ledger's own latest checkpoint, kept in the database being audited" : 'no checkpoint was issued yet'}: ` +
    'a log cut short, or rewritten together with its checkpoints, would pass. Keep checkpoints elsewhere ' +
    '(ledger checkpoint --out <file>) and verify against one with --checkpoint <file>.';

  program
    .command('verify')
    .description(
      "check every link of every stream's hash chain, and the log against a checkpoint; exit 1 naming the first bad position",
    )
    .option('--checkpoint <file>', 'a checkpoint saved elsewhere (default: the latest the ledger issued)')
    .action(async (options: { checkpoint?: string }) => {
      await withLedger(async (service) => {
        const checkpoint = options.checkpoint
          ? (JSON.parse(readFileSync(options.checkpoint, 'utf8')) as SignedCheckpoint)
          : service.latestCheckpoint();
        if (checkpoint && !verifyCheckpoint(checkpoint, service.checkpointPublicKey)) {
          throw new Error("the checkpoint's signature does not verify with the ledger's checkpoint key");
        }
        if (!options.checkpoint) process.stderr.write(`${ownCheckpointCaveat(checkpoint !== undefined)}\n`);
        const startedAtMs = Date.now();
        const head = Number(await service.store.headPosition());
        const bar = progressBar(
          process.stderr,
          'verifying {bar} {percentage}% | position {value}/{total} | eta {eta_formatted}',
          head,
        );
        let seen = 0;
        const verdict = await verifyStoredLog(service.store, checkpoint, (position) => {
          seen += 1;
          if (seen % progressEveryEvents === 0) bar.update(Number(position));
        });
        bar.stop();
        process.stdout.write(`${JSON.stringify(verdict)}\n`);
        process.stderr.write(`verified in ${elapsed(seen, startedAtMs, Date.now())}\n`);
        process.exitCode = verdict.ok ? 0 : 1;
      }, auditOnly);
    });
};
