import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/events/integrity/merkle';
import { projectRoot } from '../../../src/projectRoot';

/**
 * The transparency-dev/merkle known-answer vectors (Apache-2.0), read as they are from the shared test data beside
 * the repository. Each file states its own expectation in `wantErr`: the happy paths (and the single-entry tree whose
 * root is its leaf) must verify, every tampered case must not.
 */
const vectorsRoot = join(projectRoot(), '..', 'shared', 'testdata', 'merkle-vectors');

const vectorFiles = (kind: 'inclusion' | 'consistency'): string[] => {
  const folder = join(vectorsRoot, kind);
  if (!existsSync(folder)) {
    throw new Error(
      `the Merkle test vectors are missing: expected them in ${folder} (CI checks shared/ out beside the repo)`,
    );
  }
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error(`no Merkle test vectors in ${folder}`);
  return files.map((file) => join(kind, file));
};

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

const readVector = <Vector>(file: string): Vector =>
  JSON.parse(readFileSync(join(vectorsRoot, file), 'utf8')) as Vector;

const bytes = (base64: string): Buffer => Buffer.from(base64, 'base64');

/** The tree every happy-path vector is cut from: the RFC 6962 reference leaves of transparency-dev/merkle. */
const referenceLeafHashes = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => leafHash(Buffer.from(hex, 'hex')));

const inclusionFiles = vectorFiles('inclusion');
const consistencyFiles = vectorFiles('consistency');

describe('the RFC 9162 inclusion verifier against the known-answer vectors', () => {
  it.each(inclusionFiles)('%s: verifies exactly when the vector expects it to', (file) => {
    const vector = readVector<InclusionVector>(file);
    const verified = verifyInclusion({
      leafHash: bytes(vector.leafHash),
      index: vector.leafIdx,
      treeSize: vector.treeSize,
      proof: (vector.proof ?? []).map(bytes),
      root: bytes(vector.root),
    });
    expect(verified).toBe(!vector.wantErr);
  });

  it('every happy-path proof is the proof we build for the same leaf of the reference tree', () => {
    const happyPaths = inclusionFiles
      .filter((file) => file.endsWith('happy-path.json'))
      .map(readVector<InclusionVector>);
    expect(happyPaths).not.toHaveLength(0);
    for (const vector of happyPaths) {
      const ours = inclusionProof(referenceLeafHashes.slice(0, vector.treeSize), vector.leafIdx);
      expect(ours.map((hash) => hash.toString('base64'))).toEqual(vector.proof ?? []);
    }
  });
});

describe('the RFC 9162 consistency verifier against the known-answer vectors', () => {
  it.each(consistencyFiles)('%s: verifies exactly when the vector expects it to', (file) => {
    const vector = readVector<ConsistencyVector>(file);
    const verified = verifyConsistency({
      oldSize: vector.size1,
      newSize: vector.size2,
      oldRoot: bytes(vector.root1),
      newRoot: bytes(vector.root2),
      proof: (vector.proof ?? []).map(bytes),
    });
    expect(verified).toBe(!vector.wantErr);
  });

  it('every happy-path proof is the proof we build between the same sizes of the reference tree', () => {
    const happyPaths = consistencyFiles
      .filter((file) => file.endsWith('happy-path.json'))
      .map(readVector<ConsistencyVector>);
    expect(happyPaths).not.toHaveLength(0);
    for (const vector of happyPaths) {
      const ours = consistencyProof(referenceLeafHashes.slice(0, vector.size2), vector.size1);
      expect(ours.map((hash) => hash.toString('base64'))).toEqual(vector.proof ?? []);
    }
  });
});

describe('the vector files', () => {
  it('expect every happy path to verify, and every other case but the single-entry match to be refused', () => {
    const allFiles = [...inclusionFiles, ...consistencyFiles];
    const expectedToVerify = allFiles.filter((file) => !readVector<{ wantErr: boolean }>(file).wantErr);
    const happyPaths = allFiles.filter((file) => file.endsWith('happy-path.json'));
    const singleEntryMatch = join('inclusion', 'single-entry', 'matching-root-and-leaf.json');
    expect(expectedToVerify.sort()).toEqual([...happyPaths, singleEntryMatch].sort());
  });
});
