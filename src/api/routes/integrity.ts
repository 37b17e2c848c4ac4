import { Router, type RequestHandler } from 'express';
import type { KeyObject } from 'node:crypto';
import type { EventStore } from '../../events/eventStore';
import type { CheckpointRecords } from '../../events/integrity/checkpointRecords';
import type { SignedCheckpoint } from '../../events/integrity/checkpoint';
import { proveConsistency, proveInclusion, verifyStoredLog } from '../../events/integrity/logAudit';
import type { SchemaRegistry } from '../../schemaRegistry';
import { authorize } from '../auth/authenticate';
import { Problem } from '../problems';
import { validateQuery } from '../validation';

/**
 * Tamper evidence for outside auditors (DESIGN §1.9): the signed checkpoints, the key that signs them, and
 * inclusion and consistency proofs (RFC 9162) are public, so they can be checked without trusting the
 * operator; issuing a checkpoint on demand and verifying the whole log are for auditors.
 */

export const checkpointKeyPath = '/.well-known/ledger-checkpoint-key.pem';

export interface IntegrityOptions {
  store: EventStore;
  checkpoints: CheckpointRecords;
  /** Signs a checkpoint of the whole log now, and keeps it. */
  issueCheckpoint: () => Promise<SignedCheckpoint>;
  schemas: SchemaRegistry;
}

const proofProblem = (error: unknown): never => {
  if (error instanceof RangeError) throw new Problem('proof-not-available', error.message);
  throw error;
};

/** The public key that verifies checkpoints, as PEM: published at checkpointKeyPath. */
export const checkpointKeyPem = (publicKey: KeyObject): string =>
  publicKey.export({ type: 'spki', format: 'pem' }).toString();

/**
 * Public: mounted under /v1 before authentication. A proof may read and hash up to proofTreeSizeMax events, so the
 * proofs pass `limitProofs` (a limit per client address) first.
 */
export const publicIntegrityRoutes = ({
  store,
  checkpoints,
  schemas,
  limitProofs,
}: IntegrityOptions & { limitProofs: RequestHandler }): Router => {
  const router = Router();
  router.get('/checkpoints/latest', (_req, res) => {
    const latest = checkpoints.latest();
    if (!latest) throw new Problem('not-found', 'no checkpoint has been issued yet');
    res.json(latest);
  });
  router.use('/proofs', limitProofs);
  router.get('/proofs/inclusion', validateQuery(schemas, 'api/InclusionProofQuery.json'), async (req, res) => {
    const { position, treeSize } = req.query as { position: string; treeSize: string };
    res.json(await proveInclusion(store, position, Number(treeSize)).catch(proofProblem));
  });
  router.get('/proofs/consistency', validateQuery(schemas, 'api/ConsistencyProofQuery.json'), async (req, res) => {
    const { from, to } = req.query as { from: string; to: string };
    res.json(await proveConsistency(store, Number(from), Number(to)).catch(proofProblem));
  });
  return router;
};

/** For auditors: mounted after authentication. */
export const auditRoutes = ({ store, checkpoints, issueCheckpoint }: IntegrityOptions): Router => {
  const router = Router();
  router.post('/checkpoints', authorize('integrity:audit'), async (_req, res) => {
    res.status(201).json(await issueCheckpoint());
  });
  router.post('/verify', authorize('integrity:audit'), async (_req, res) => {
    const latest = checkpoints.latest();
    const verdict = await verifyStoredLog(store, latest);
    res.json({
      ...verdict,
      ...(latest ? { againstCheckpoint: { treeSize: latest.treeSize, rootHash: latest.rootHash } } : {}),
    });
  });
  return router;
};
