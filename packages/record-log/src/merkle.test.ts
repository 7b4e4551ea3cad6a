import { createHash } from 'node:crypto';
import {
  consistencyPath,
  hashLeaf,
  hashNode,
  inclusionPath,
  rootOf,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
  EMPTY_ROOT,
  type PerfectNode,
} from './merkle';

/** RFC 9162 §2.1.1 MTH, written straight from the definition, as the reference. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return hashLeaf(leaves[0]);
  const k = splitPoint(leaves.length);
  return hashNode(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const data = Array.from({ length: 70 }, (_, i) => Buffer.from(`leaf ${i}`));
const nodeOf =
  (leaves: Buffer[]): PerfectNode =>
  async (lo, hi) =>
    mth(leaves.slice(lo, hi));

describe('RFC 9162 Merkle tree', () => {
  it('computes the same root as the definition for every size (compact range)', () => {
    expect(rootOf([])).toEqual(EMPTY_ROOT);
    for (let n = 1; n <= data.length; n++) expect(rootOf(data.slice(0, n).map(hashLeaf)).toString('hex')).toBe(mth(data.slice(0, n)).toString('hex'));
  });

  it('matches the RFC 6962 test vectors of the certificate-transparency reference implementation', () => {
    // leaves from github.com/google/certificate-transparency (merkle_tree_test.cc): "", 00, 10, 2021, 3031, 40414243, …
    const vectors = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
    expect(mth(vectors.slice(0, 1)).toString('hex')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(rootOf(vectors.map(hashLeaf)).toString('hex')).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('gives inclusion proofs that verify, and fail for any other leaf, index or root', async () => {
    for (const n of [1, 2, 3, 5, 8, 13, 64, 70]) {
      const leaves = data.slice(0, n);
      const root = mth(leaves);
      for (let m = 0; m < n; m++) {
        const path = await inclusionPath(nodeOf(leaves), m, n);
        expect(verifyInclusion(m, n, hashLeaf(leaves[m]), path, root)).toBe(true);
        expect(verifyInclusion(m, n, hashLeaf(Buffer.from('forged')), path, root)).toBe(false);
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, hashLeaf(leaves[m]), path, root)).toBe(false);
        expect(verifyInclusion(m, n, hashLeaf(leaves[m]), path, hashLeaf(Buffer.from('other root')))).toBe(false);
      }
    }
  });

  it('gives consistency proofs that verify between every pair of sizes, and fail for a rewritten history', async () => {
    const forged = [...data];
    forged[2] = Buffer.from('rewritten');
    for (let n = 1; n <= 40; n++) {
      for (let m = 1; m <= n; m++) {
        const path = await consistencyPath(nodeOf(data), m, n);
        expect(verifyConsistency(m, n, mth(data.slice(0, m)), mth(data.slice(0, n)), path)).toBe(true);
        if (m > 2 && m < n) expect(verifyConsistency(m, n, mth(forged.slice(0, m)), mth(data.slice(0, n)), path)).toBe(false);
      }
    }
  });
});
