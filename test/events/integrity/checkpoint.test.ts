import { generateKeyPairSync, verify } from 'node:crypto';
import {
  checkpointSigningText,
  signCheckpoint,
  verifyCheckpoint,
  type SignedCheckpoint,
} from '../../../src/events/integrity/checkpoint';
import { leafHash, rootOf } from '../../../src/events/integrity/merkle';

const operatorKeys = generateKeyPairSync('ed25519');
const otherKeys = generateKeyPairSync('ed25519');

const rootHash = rootOf([
  leafHash(Buffer.from('first')),
  leafHash(Buffer.from('second')),
  leafHash(Buffer.from('third')),
]);
const head = { treeSize: 3, rootHash, issuedAt: new Date('2026-11-26T10:00:00.000Z') };
const checkpoint = signCheckpoint(head, operatorKeys.privateKey);

/** Replaces one base64 character of the signature, keeping it canonical base64 of 64 bytes. */
const alteredSignature = (signature: string): string =>
  `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;

describe('signed checkpoints', () => {
  it('carry the tree size, the root as hex and the time as ISO text', () => {
    expect(checkpoint).toEqual({
      treeSize: 3,
      rootHash: rootHash.toString('hex'),
      issuedAt: '2026-11-26T10:00:00.000Z',
      signature: expect.any(String),
    });
  });

  it('sign the documented text, so an auditor can check one with any Ed25519 library', () => {
    const text = `credit-ledger checkpoint v1\n3\n${rootHash.toString('hex')}\n2026-11-26T10:00:00.000Z\n`;
    expect(checkpointSigningText(checkpoint)).toBe(text);
    const signature = Buffer.from(checkpoint.signature, 'base64');
    expect(verify(null, Buffer.from(text, 'utf8'), operatorKeys.publicKey, signature)).toBe(true);
  });

  it('verify with the operator key', () => {
    expect(verifyCheckpoint(checkpoint, operatorKeys.publicKey)).toBe(true);
  });

  it.each<[string, Partial<SignedCheckpoint>]>([
    ['a changed tree size', { treeSize: 2 }],
    ['a changed root', { rootHash: rootOf([]).toString('hex') }],
    ['a changed time', { issuedAt: '2026-11-26T10:00:00.001Z' }],
    ['a changed signature', { signature: alteredSignature(checkpoint.signature) }],
  ])('fail with %s', (_change, change) => {
    expect(verifyCheckpoint({ ...checkpoint, ...change }, operatorKeys.publicKey)).toBe(false);
  });

  it('fail with another key', () => {
    expect(verifyCheckpoint(checkpoint, otherKeys.publicKey)).toBe(false);
  });

  it.each<[string, Partial<SignedCheckpoint>]>([
    ['an upper-case root', { rootHash: checkpoint.rootHash.toUpperCase() }],
    ['a time not in toISOString form', { issuedAt: '2026-11-26T10:00:00Z' }],
    ['a signature with characters base64 does not know', { signature: `${checkpoint.signature}!` }],
    ['a tree size that is no safe integer', { treeSize: 2 ** 53 }],
  ])('fail when a field is not in its one canonical form: %s', (_change, change) => {
    expect(verifyCheckpoint({ ...checkpoint, ...change }, operatorKeys.publicKey)).toBe(false);
  });

  it('refuse a key that is not Ed25519, or of the wrong kind, as a configuration error', () => {
    const rsaKeys = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => signCheckpoint(head, rsaKeys.privateKey)).toThrow(TypeError);
    expect(() => signCheckpoint(head, operatorKeys.publicKey)).toThrow(TypeError);
    expect(() => verifyCheckpoint(checkpoint, operatorKeys.privateKey)).toThrow(TypeError);
  });

  it('refuse to sign a malformed tree head', () => {
    expect(() => signCheckpoint({ ...head, treeSize: -1 }, operatorKeys.privateKey)).toThrow(RangeError);
    expect(() => signCheckpoint({ ...head, rootHash: Buffer.alloc(31) }, operatorKeys.privateKey)).toThrow(RangeError);
    expect(() => signCheckpoint({ ...head, issuedAt: new Date(Number.NaN) }, operatorKeys.privateKey)).toThrow(
      RangeError,
    );
  });
});
