/**
 * Signed checkpoints (RFC 9162's signed tree heads): the operator's Ed25519-signed statement that the global log's
 * first treeSize events have the Merkle root rootHash, as of issuedAt. Once an auditor holds one, the operator
 * cannot rewrite or drop any of those events without the log ceasing to match it.
 *
 * Signed bytes: the UTF-8 (here all ASCII) text
 *
 *   "credit-ledger checkpoint v1\n" + treeSize + "\n" + rootHash + "\n" + issuedAt + "\n"
 *
 * with treeSize in decimal without leading zeros, rootHash as 64 lowercase hex digits and issuedAt as
 * Date.toISOString() ("2026-11-26T10:00:00.000Z"). The first line names the purpose and version, so a signature
 * made for anything else with the same key can never pass as a checkpoint. Ed25519 signs the text itself (no
 * pre-hash); the signature travels as standard base64 (with padding) of its 64 bytes.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { hashLength, isTreeSize, treeSizeMax } from './merkle';

export interface TreeHead {
  treeSize: number;
  rootHash: Buffer;
  issuedAt: Date;
}

export interface SignedCheckpoint {
  treeSize: number;
  /** 64 lowercase hex digits. */
  rootHash: string;
  /** Date.toISOString(). */
  issuedAt: string;
  /** Base64 of the 64-byte Ed25519 signature over checkpointSigningText. */
  signature: string;
}

const ed25519SignatureLength = 64;

export const checkpointSigningText = ({ treeSize, rootHash, issuedAt }: Omit<SignedCheckpoint, 'signature'>): string =>
  `credit-ledger checkpoint v1\n${treeSize}\n${rootHash}\n${issuedAt}\n`;

export const signCheckpoint = ({ treeSize, rootHash, issuedAt }: TreeHead, privateKey: KeyObject): SignedCheckpoint => {
  requireEd25519Key(privateKey, 'private');
  if (!isTreeSize(treeSize)) throw new RangeError(`tree size must be an integer from 0 to ${treeSizeMax}: ${treeSize}`);
  if (!Buffer.isBuffer(rootHash) || rootHash.length !== hashLength) {
    throw new RangeError(`a root hash must be a ${hashLength}-byte Buffer`);
  }
  if (Number.isNaN(issuedAt.getTime())) throw new RangeError('issuedAt is not a valid date');
  const head = { treeSize, rootHash: rootHash.toString('hex'), issuedAt: issuedAt.toISOString() };
  const signature = sign(null, Buffer.from(checkpointSigningText(head), 'utf8'), privateKey).toString('base64');
  return { ...head, signature };
};

/**
 * True only for a well-formed checkpoint whose signature the key verifies. Each field must be in its one canonical
 * form, so that one signed statement has exactly one representation. A key of the wrong kind is the caller's
 * configuration error, not bad input, so it throws rather than quietly failing every checkpoint.
 */
export const verifyCheckpoint = (checkpoint: SignedCheckpoint, publicKey: KeyObject): boolean => {
  requireEd25519Key(publicKey, 'public');
  const { treeSize, rootHash, issuedAt, signature } = checkpoint;
  if (!isTreeSize(treeSize) || !isRootHashHex(rootHash) || !isCanonicalInstant(issuedAt)) return false;
  const signatureBytes = canonicalBase64Bytes(signature);
  if (signatureBytes?.length !== ed25519SignatureLength) return false;
  return verify(
    null,
    Buffer.from(checkpointSigningText({ treeSize, rootHash, issuedAt }), 'utf8'),
    publicKey,
    signatureBytes,
  );
};

const requireEd25519Key = (key: KeyObject, type: 'private' | 'public'): void => {
  if (key.type !== type || key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(
      `checkpoints need an Ed25519 ${type} key, not a ${key.asymmetricKeyType ?? key.type} ${key.type} key`,
    );
  }
};

/** A checkpoint's rootHash: 64 lowercase hex digits, the one spelling that is signed. */
export const isRootHashHex = (value: unknown): value is string =>
  typeof value === 'string' && value.length === 2 * hashLength && /^[0-9a-f]+$/.test(value);

const isCanonicalInstant = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  const instant = new Date(value);
  return !Number.isNaN(instant.getTime()) && instant.toISOString() === value;
};

/** Node's base64 decoder skips characters it does not know; re-encoding catches any such garbage. */
const canonicalBase64Bytes = (value: unknown): Buffer | undefined => {
  if (typeof value !== 'string') return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes : undefined;
};
