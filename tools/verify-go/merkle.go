package main

import (
	"bytes"
	"crypto/sha256"
)

/*
 * RFC 9162 §2.1 tree hashing (the same as RFC 6962): leaves hashed with a 0x00 prefix, interior
 * nodes with 0x01; inclusion and consistency proofs verified with §2.1.3.2 and §2.1.4.2 verbatim.
 */

func hashLeaf(data []byte) []byte {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(data)
	return h.Sum(nil)
}

func hashNode(left, right []byte) []byte {
	h := sha256.New()
	h.Write([]byte{1})
	h.Write(left)
	h.Write(right)
	return h.Sum(nil)
}

func emptyRoot() []byte {
	sum := sha256.Sum256(nil)
	return sum[:]
}

// compactRange is the right edge of a growing tree: the roots of its perfect subtrees, largest first.
type compactRange struct {
	hashes  [][]byte
	heights []int
	size    uint64
}

func (c *compactRange) push(leafHash []byte) {
	c.hashes = append(c.hashes, leafHash)
	c.heights = append(c.heights, 0)
	c.size++
	for n := len(c.hashes); n >= 2 && c.heights[n-1] == c.heights[n-2]; n = len(c.hashes) {
		merged := hashNode(c.hashes[n-2], c.hashes[n-1])
		height := c.heights[n-1] + 1
		c.hashes = append(c.hashes[:n-2], merged)
		c.heights = append(c.heights[:n-2], height)
	}
}

func (c *compactRange) root() []byte {
	if len(c.hashes) == 0 {
		return emptyRoot()
	}
	acc := c.hashes[len(c.hashes)-1]
	for i := len(c.hashes) - 2; i >= 0; i-- {
		acc = hashNode(c.hashes[i], acc)
	}
	return acc
}

// rootOf is MTH over leaf hashes held in memory.
func rootOf(leafHashes [][]byte) []byte {
	var c compactRange
	for _, h := range leafHashes {
		c.push(h)
	}
	return c.root()
}

// verifyInclusion: RFC 9162 §2.1.3.2.
func verifyInclusion(index, size uint64, leafHash []byte, path [][]byte, root []byte) bool {
	if index >= size {
		return false
	}
	fn, sn := index, size-1
	r := leafHash
	for _, p := range path {
		if sn == 0 {
			return false
		}
		if fn%2 == 1 || fn == sn {
			r = hashNode(p, r)
			if fn%2 == 0 {
				for fn%2 == 0 && fn != 0 {
					fn >>= 1
					sn >>= 1
				}
			}
		} else {
			r = hashNode(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	return sn == 0 && bytes.Equal(r, root)
}

// verifyConsistency: RFC 9162 §2.1.4.2 (first = 0 proves nothing and needs no path).
func verifyConsistency(first, second uint64, firstRoot, secondRoot []byte, path [][]byte) bool {
	if first > second {
		return false
	}
	if first == 0 {
		return len(path) == 0
	}
	if first == second {
		return len(path) == 0 && bytes.Equal(firstRoot, secondRoot)
	}
	if len(path) == 0 {
		return false
	}
	proof := path
	if first&(first-1) == 0 {
		proof = append([][]byte{firstRoot}, path...)
	}
	fn, sn := first-1, second-1
	for fn%2 == 1 {
		fn >>= 1
		sn >>= 1
	}
	fr, sr := proof[0], proof[0]
	for _, c := range proof[1:] {
		if sn == 0 {
			return false
		}
		if fn%2 == 1 || fn == sn {
			fr = hashNode(c, fr)
			sr = hashNode(c, sr)
			if fn%2 == 0 {
				for fn%2 == 0 && fn != 0 {
					fn >>= 1
					sn >>= 1
				}
			}
		} else {
			sr = hashNode(sr, c)
		}
		fn >>= 1
		sn >>= 1
	}
	return sn == 0 && bytes.Equal(fr, firstRoot) && bytes.Equal(sr, secondRoot)
}
