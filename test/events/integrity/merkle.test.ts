import { createHash } from 'node:crypto';
import {
  consistencyProof,
  createTreeAccumulator,
  emptyTreeHash,
  inclusionProof,
  leafHash,
  nodeHash,
  proofMaxLength,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/events/integrity/merkle';

const hex = (hash: Buffer): string => hash.toString('hex');

const leavesOf = (count: number): Buffer[] =>
  Array.from({ length: count }, (_, index) => leafHash(Buffer.from(`entry ${index}`)));

/** MTH exactly as RFC 9162 §2.1.1 states it, recursively: the yardstick for the iterative rootOf. */
const definitionalRoot = (leafHashes: Buffer[]): Buffer => {
  if (leafHashes.length === 0) return createHash('sha256').digest();
  if (leafHashes.length === 1) return leafHashes[0];
  let split = 1;
  while (2 * split < leafHashes.length) split *= 2;
  return nodeHash(definitionalRoot(leafHashes.slice(0, split)), definitionalRoot(leafHashes.slice(split)));
};

const flipBit = (hash: Buffer): Buffer => {
  const flipped = Buffer.from(hash);
  flipped[7] ^= 0x10;
  return flipped;
};

describe('Merkle tree hashing (RFC 9162 §2.1.1)', () => {
  it('hashes a leaf with the 0x00 prefix and a node with the 0x01 prefix (RFC 6962 known answers)', () => {
    expect(hex(leafHash(Buffer.from('')))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(hex(leafHash(Buffer.from('L123456')))).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
    expect(hex(nodeHash(Buffer.from('N123'), Buffer.from('N456')))).toBe(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
  });

  it('gives the empty tree the hash of the empty string', () => {
    expect(hex(rootOf([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(emptyTreeHash()).toEqual(rootOf([]));
  });

  it('gives the RFC 6962 reference tree its known root at every size from 1 to 8', () => {
    const leafHashes = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ].map((data) => leafHash(Buffer.from(data, 'hex')));
    const knownRoots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    expect(knownRoots.map((_, index) => hex(rootOf(leafHashes.slice(0, index + 1))))).toEqual(knownRoots);
  });

  it('computes the same root as the recursive definition for every size from 1 to 64', () => {
    const leafHashes = leavesOf(64);
    for (let size = 1; size <= 64; size += 1) {
      expect(rootOf(leafHashes.slice(0, size))).toEqual(definitionalRoot(leafHashes.slice(0, size)));
    }
  });

  it('computes the same root from a stream of leaves as from an array, for a tree that is no power of two', () => {
    const size = 65_537;
    function* streamedLeaves(): Generator<Buffer> {
      for (let index = 0; index < size; index += 1) yield leafHash(Buffer.from(`entry ${index}`));
    }
    expect(rootOf(streamedLeaves())).toEqual(definitionalRoot(leavesOf(size)));
  });

  it('refuses a leaf hash that is not 32 bytes', () => {
    expect(() => rootOf([Buffer.alloc(31)])).toThrow(RangeError);
  });
});

describe('complete subtrees added whole', () => {
  it('gives the same tree as their leaves added one by one, wherever each starts at a multiple of its size', () => {
    const leafHashes = leavesOf(23);
    const tree = createTreeAccumulator();
    tree.add(leafHashes[0] as Buffer);
    tree.add(leafHashes[1] as Buffer);
    tree.addSubtree(definitionalRoot(leafHashes.slice(2, 4)), 2);
    tree.addSubtree(definitionalRoot(leafHashes.slice(4, 8)), 4);
    tree.addSubtree(definitionalRoot(leafHashes.slice(8, 16)), 8);
    leafHashes.slice(16).forEach((leaf) => tree.add(leaf));
    expect(tree.size()).toBe(23);
    expect(tree.root()).toEqual(rootOf(leafHashes));
  });

  it('refuses a subtree that does not start at a multiple of its size', () => {
    const tree = createTreeAccumulator();
    tree.add(leavesOf(1)[0] as Buffer);
    expect(() => tree.addSubtree(definitionalRoot(leavesOf(2)), 2)).toThrow(RangeError);
    expect(tree.size()).toBe(1);
  });

  it('refuses a subtree whose leaf count is not a power of two', () => {
    expect(() => createTreeAccumulator().addSubtree(definitionalRoot(leavesOf(3)), 3)).toThrow(RangeError);
  });
});

describe('inclusion proofs (RFC 9162 §2.1.3)', () => {
  it('verifies the proof of every leaf of every tree of 1 to 64 leaves against its root', () => {
    const leafHashes = leavesOf(64);
    for (let treeSize = 1; treeSize <= 64; treeSize += 1) {
      const tree = leafHashes.slice(0, treeSize);
      const root = rootOf(tree);
      for (let index = 0; index < treeSize; index += 1) {
        const proof = inclusionProof(tree, index);
        expect(verifyInclusion({ leafHash: tree[index], index, treeSize, proof, root })).toBe(true);
      }
    }
  });

  it('refuses every proof of a tree of up to 32 leaves at any index but its own', () => {
    const leafHashes = leavesOf(32);
    for (let treeSize = 1; treeSize <= 32; treeSize += 1) {
      const tree = leafHashes.slice(0, treeSize);
      const root = rootOf(tree);
      for (let index = 0; index < treeSize; index += 1) {
        const proof = inclusionProof(tree, index);
        for (let other = 0; other < treeSize; other += 1) {
          if (other === index) continue;
          expect(verifyInclusion({ leafHash: tree[index], index: other, treeSize, proof, root })).toBe(false);
        }
      }
    }
  });

  it('refuses every proof of a tree of up to 32 leaves with any one bit of it flipped', () => {
    const leafHashes = leavesOf(32);
    for (let treeSize = 2; treeSize <= 32; treeSize += 1) {
      const tree = leafHashes.slice(0, treeSize);
      const root = rootOf(tree);
      for (let index = 0; index < treeSize; index += 1) {
        const proof = inclusionProof(tree, index);
        proof.forEach((_, entry) => {
          const tampered = proof.map((hash, at) => (at === entry ? flipBit(hash) : hash));
          expect(verifyInclusion({ leafHash: tree[index], index, treeSize, proof: tampered, root })).toBe(false);
        });
      }
    }
  });

  it('refuses an index or size that is not a safe integer, instead of rounding it', () => {
    const tree = leavesOf(4);
    const claim = { leafHash: tree[1], index: 1, treeSize: 4, proof: inclusionProof(tree, 1), root: rootOf(tree) };
    expect(verifyInclusion(claim)).toBe(true);
    expect(verifyInclusion({ ...claim, index: 2 ** 53 + 1 })).toBe(false);
    expect(verifyInclusion({ ...claim, treeSize: 4.5 })).toBe(false);
    expect(verifyInclusion({ ...claim, index: -1 })).toBe(false);
  });

  it('refuses a proof longer than 64 entries, or with an entry that is not 32 bytes', () => {
    const tree = leavesOf(4);
    const claim = { leafHash: tree[1], index: 1, treeSize: 4, proof: inclusionProof(tree, 1), root: rootOf(tree) };
    expect(verifyInclusion({ ...claim, proof: Array.from({ length: proofMaxLength + 1 }, () => tree[0]) })).toBe(false);
    expect(
      verifyInclusion({ ...claim, proof: [claim.proof[0], Buffer.concat([claim.proof[1], Buffer.alloc(1)])] }),
    ).toBe(false);
  });

  it('refuses to build a proof for a leaf outside the tree', () => {
    expect(() => inclusionProof(leavesOf(4), 4)).toThrow(RangeError);
    expect(() => inclusionProof(leavesOf(4), -1)).toThrow(RangeError);
    expect(() => inclusionProof([], 0)).toThrow(RangeError);
  });
});

describe('consistency proofs (RFC 9162 §2.1.4)', () => {
  const leafHashes = leavesOf(32);
  const roots = Array.from({ length: 33 }, (_, size) => rootOf(leafHashes.slice(0, size)));

  const eachSizePair = (check: (oldSize: number, newSize: number) => void): void => {
    for (let newSize = 0; newSize <= 32; newSize += 1) {
      for (let oldSize = 0; oldSize <= newSize; oldSize += 1) check(oldSize, newSize);
    }
  };

  it('verifies the proof between every pair of sizes up to 32', () => {
    eachSizePair((oldSize, newSize) => {
      const proof = consistencyProof(leafHashes.slice(0, newSize), oldSize);
      expect(verifyConsistency({ oldSize, newSize, oldRoot: roots[oldSize], newRoot: roots[newSize], proof })).toBe(
        true,
      );
    });
  });

  it('refuses every proof between sizes up to 32 with any one bit of it flipped', () => {
    eachSizePair((oldSize, newSize) => {
      const proof = consistencyProof(leafHashes.slice(0, newSize), oldSize);
      proof.forEach((_, entry) => {
        const tampered = proof.map((hash, at) => (at === entry ? flipBit(hash) : hash));
        const claim = { oldSize, newSize, oldRoot: roots[oldSize], newRoot: roots[newSize], proof: tampered };
        expect(verifyConsistency(claim)).toBe(false);
      });
    });
  });

  it('refuses every proof between different sizes up to 32 when the old tree had another root', () => {
    eachSizePair((oldSize, newSize) => {
      if (oldSize === newSize) return;
      const proof = consistencyProof(leafHashes.slice(0, newSize), oldSize);
      const forkedRoot = rootOf([...leafHashes.slice(0, oldSize - 1), leafHash(Buffer.from('rewritten'))]);
      expect(verifyConsistency({ oldSize, newSize, oldRoot: forkedRoot, newRoot: roots[newSize], proof })).toBe(false);
    });
  });

  it('refuses a new tree smaller than the old one', () => {
    expect(verifyConsistency({ oldSize: 8, newSize: 5, oldRoot: roots[8], newRoot: roots[5], proof: [] })).toBe(false);
  });

  it('holds an empty old tree consistent with any tree only if its root is the empty-tree hash and the proof empty', () => {
    expect(verifyConsistency({ oldSize: 0, newSize: 5, oldRoot: roots[0], newRoot: roots[5], proof: [] })).toBe(true);
    expect(verifyConsistency({ oldSize: 0, newSize: 5, oldRoot: roots[5], newRoot: roots[5], proof: [] })).toBe(false);
    expect(verifyConsistency({ oldSize: 0, newSize: 5, oldRoot: roots[0], newRoot: roots[5], proof: [roots[5]] })).toBe(
      false,
    );
  });

  it('holds two trees of the same size consistent only if their roots are equal and the proof empty', () => {
    expect(verifyConsistency({ oldSize: 5, newSize: 5, oldRoot: roots[5], newRoot: roots[5], proof: [] })).toBe(true);
    expect(verifyConsistency({ oldSize: 5, newSize: 5, oldRoot: roots[5], newRoot: roots[6], proof: [] })).toBe(false);
    expect(verifyConsistency({ oldSize: 5, newSize: 5, oldRoot: roots[5], newRoot: roots[5], proof: [roots[1]] })).toBe(
      false,
    );
  });

  it('refuses to build a proof from a tree larger than the log', () => {
    expect(() => consistencyProof(leafHashes.slice(0, 4), 5)).toThrow(RangeError);
    expect(() => consistencyProof(leafHashes.slice(0, 4), -1)).toThrow(RangeError);
  });
});
