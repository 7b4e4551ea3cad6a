package main

import (
	"bytes"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mth is MTH straight from RFC 9162 §2.1.1.
func mth(leaves [][]byte) []byte {
	switch n := len(leaves); n {
	case 0:
		return emptyRoot()
	case 1:
		return hashLeaf(leaves[0])
	default:
		k := largestPowerOfTwoBelow(n)
		return hashNode(mth(leaves[:k]), mth(leaves[k:]))
	}
}

func largestPowerOfTwoBelow(n int) int {
	k := 1
	for k*2 < n {
		k *= 2
	}
	return k
}

// pathOf is PATH(m, D[n]), RFC 9162 §2.1.3.1.
func pathOf(m int, leaves [][]byte) [][]byte {
	n := len(leaves)
	if n <= 1 {
		return nil
	}
	k := largestPowerOfTwoBelow(n)
	if m < k {
		return append(pathOf(m, leaves[:k]), mth(leaves[k:]))
	}
	return append(pathOf(m-k, leaves[k:]), mth(leaves[:k]))
}

// proofOf is PROOF(m, D[n]), RFC 9162 §2.1.4.1.
func proofOf(m int, leaves [][]byte) [][]byte { return subproof(m, leaves, true) }

func subproof(m int, leaves [][]byte, complete bool) [][]byte {
	n := len(leaves)
	if m == n {
		if complete {
			return nil
		}
		return [][]byte{mth(leaves)}
	}
	k := largestPowerOfTwoBelow(n)
	if m <= k {
		return append(subproof(m, leaves[:k], complete), mth(leaves[k:]))
	}
	return append(subproof(m-k, leaves[k:], false), mth(leaves[:k]))
}

// The certificate-transparency reference vectors (RFC 6962 test data).
var ctLeaves = []string{"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"}
var ctRoots = []string{
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}

func ctData(t testing.TB) [][]byte {
	var out [][]byte
	for _, l := range ctLeaves {
		out = append(out, mustHex(t, l))
	}
	return out
}

func TestCertificateTransparencyVectors(t *testing.T) {
	data := ctData(t)
	if got := hex.EncodeToString(emptyRoot()); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("empty root %s", got)
	}
	for n := 1; n <= len(data); n++ {
		var c compactRange
		for _, d := range data[:n] {
			c.push(hashLeaf(d))
		}
		if got := hex.EncodeToString(c.root()); got != ctRoots[n-1] {
			t.Errorf("root of %d leaves: %s, want %s", n, got, ctRoots[n-1])
		}
		if got := hex.EncodeToString(mth(data[:n])); got != ctRoots[n-1] {
			t.Errorf("MTH of %d leaves: %s, want %s", n, got, ctRoots[n-1])
		}
	}
	// RFC 6962 reference inclusion proofs: leaf 0 of 8, leaf 5 of 8, leaf 2 of 3, leaf 1 of 5
	inclusion := []struct {
		index, size int
		path        []string
	}{
		{0, 8, []string{"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
		{5, 8, []string{"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
		{2, 3, []string{"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
		{1, 5, []string{"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	}
	for _, c := range inclusion {
		var path [][]byte
		for _, h := range c.path {
			path = append(path, mustHex(t, h))
		}
		if !verifyInclusion(uint64(c.index), uint64(c.size), hashLeaf(data[c.index]), path, mustHex(t, ctRoots[c.size-1])) {
			t.Errorf("reference inclusion proof of leaf %d in %d does not verify", c.index, c.size)
		}
		if got := pathOf(c.index, data[:c.size]); !equalHashes(got, path) {
			t.Errorf("PATH(%d, D[%d]) differs from the reference", c.index, c.size)
		}
	}
	// RFC 6962 reference consistency proofs: 1→1, 1→8, 6→8, 2→5
	consistency := []struct {
		first, second int
		proof         []string
	}{
		{1, 1, nil},
		{1, 8, []string{"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
		{6, 8, []string{"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
		{2, 5, []string{"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	}
	for _, c := range consistency {
		var proof [][]byte
		for _, h := range c.proof {
			proof = append(proof, mustHex(t, h))
		}
		if !verifyConsistency(uint64(c.first), uint64(c.second), mustHex(t, ctRoots[c.first-1]), mustHex(t, ctRoots[c.second-1]), proof) {
			t.Errorf("reference consistency proof %d→%d does not verify", c.first, c.second)
		}
		if got := proofOf(c.first, data[:c.second]); !equalHashes(got, proof) {
			t.Errorf("PROOF(%d, D[%d]) differs from the reference", c.first, c.second)
		}
	}
}

func equalHashes(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func flip(h []byte) []byte {
	out := append([]byte(nil), h...)
	out[0] ^= 1
	return out
}

// Every inclusion and consistency proof of every tree up to 40 leaves verifies, and no altered one does.
func TestProofsForAllSmallSizes(t *testing.T) {
	const max = 40
	var data [][]byte
	for i := 0; i < max; i++ {
		data = append(data, []byte("leaf "+strconv.Itoa(i)))
	}
	for n := 1; n <= max; n++ {
		root := mth(data[:n])
		if got := rootOf(leafHashes(data[:n])); !bytes.Equal(got, root) {
			t.Fatalf("compact range root of %d differs from MTH", n)
		}
		for m := 0; m < n; m++ {
			path := pathOf(m, data[:n])
			lh := hashLeaf(data[m])
			if !verifyInclusion(uint64(m), uint64(n), lh, path, root) {
				t.Fatalf("PATH(%d, D[%d]) does not verify", m, n)
			}
			if verifyInclusion(uint64(m), uint64(n), hashLeaf([]byte("forged")), path, root) {
				t.Fatalf("a forged leaf verifies at %d of %d", m, n)
			}
			if verifyInclusion(uint64(m), uint64(n), lh, path, flip(root)) {
				t.Fatalf("a wrong root verifies at %d of %d", m, n)
			}
			for i := range path {
				altered := append([][]byte(nil), path...)
				altered[i] = flip(path[i])
				if verifyInclusion(uint64(m), uint64(n), lh, altered, root) {
					t.Fatalf("an altered path verifies at %d of %d", m, n)
				}
			}
			if len(path) > 0 && verifyInclusion(uint64(m), uint64(n), lh, path[:len(path)-1], root) {
				t.Fatalf("a short path verifies at %d of %d", m, n)
			}
			if verifyInclusion(uint64(m), uint64(n), lh, append(path, root), root) {
				t.Fatalf("a long path verifies at %d of %d", m, n)
			}
			if m+1 < n && verifyInclusion(uint64(m+1), uint64(n), lh, path, root) && !bytes.Equal(data[m], data[m+1]) {
				t.Fatalf("leaf %d's path verifies at %d", m, m+1)
			}
		}
		if verifyInclusion(uint64(n), uint64(n), hashLeaf(data[0]), nil, root) {
			t.Fatalf("index %d verifies in a tree of %d", n, n)
		}
		for m := 1; m <= n; m++ {
			proof := proofOf(m, data[:n])
			first := mth(data[:m])
			if !verifyConsistency(uint64(m), uint64(n), first, root, proof) {
				t.Fatalf("PROOF(%d, D[%d]) does not verify", m, n)
			}
			if m < n && verifyConsistency(uint64(m), uint64(n), flip(first), root, proof) {
				t.Fatalf("a wrong first root verifies %d→%d", m, n)
			}
			if verifyConsistency(uint64(m), uint64(n), first, flip(root), proof) {
				t.Fatalf("a wrong second root verifies %d→%d", m, n)
			}
			for i := range proof {
				altered := append([][]byte(nil), proof...)
				altered[i] = flip(proof[i])
				if verifyConsistency(uint64(m), uint64(n), first, root, altered) {
					t.Fatalf("an altered proof verifies %d→%d", m, n)
				}
			}
		}
		if !verifyConsistency(0, uint64(n), emptyRoot(), root, nil) {
			t.Fatalf("the empty tree is a prefix of %d", n)
		}
	}
}

func leafHashes(data [][]byte) [][]byte {
	var out [][]byte
	for _, d := range data {
		out = append(out, hashLeaf(d))
	}
	return out
}

// Roots and proofs computed by the TypeScript implementation (packages/record-log: rootOf,
// inclusionPath, consistencyPath) over leaves hashLeaf(String(i)).
func TestTypeScriptTreeVectors(t *testing.T) {
	var data [][]byte
	for i := 0; i < 1000; i++ {
		data = append(data, []byte(strconv.Itoa(i)))
	}
	roots := map[int]string{
		0:    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		1:    "db3426e878068d28d269b6c87172322ce5372b65756d0789001d34835f601c03",
		2:    "cb00989d94a569c0a678ae042b63dcd4625db96440517f37a6eb7976ea24ed4b",
		3:    "725d5230db68f557470dc35f1d8865813acd7ebb07ad152774141decbae71327",
		5:    "b6748f6ed7a99de7da84fd97e1a3bac6fab8999f4a43695cab9528a2de431147",
		255:  "32f85bcaa87d7bcd05728f09e9aeba350ba6a2f733830087f0597682848be5cb",
		256:  "828515d033c19d8c901f37eccb8aed919667703486f8d2fff1cf7040321c5db1",
		257:  "1eda049a4351d86f76252bd7ec0b7746ad75b7fa0316ad5f541dbda458a312c4",
		1000: "638afa98022925bacfddadb15ef22fd0199c1ac99c2973b6158243d13fce05c2",
	}
	for n, want := range roots {
		if got := hex.EncodeToString(rootOf(leafHashes(data[:n]))); got != want {
			t.Errorf("root of %d: %s, want %s", n, got, want)
		}
	}
	incl := strings.Split("e0b126a9cc1d852a0b577590873df5a15fbcd7fa16701b88b19d7b23cbfcffee,fec0dc8a5088ef1bee1d942048428e978f2f8aaf2272854361d0e22dd34e6375,ec85e903ae663393db17ba526618b32e0742af0c409741b0bca8c79da339c13f,a83a5fe0e219ab6755cc4cd829988f1517c1dac66e0c1e9d0b609d722528952b,339e1bf88232d4c9235efdddc68947fc50d98873e5978d707edf592304cffe7d,8a0506cb68943ba9f9e06409c00c0ad484c06b9e3c810af534362cf7b052d133,9c300141dac249650349e9dcc00ee503534491c562f9e7575bbd19668f09fb7f,eb24240ca3a6de8d4deaefcedf916d7ad50884a81ad6e3809413256721f207f9,38514a4457304ea125fe461b05eb92149ad83407376616354c23f9e7248a1971,d4b2162495ca609dc06390d353ca0c55107765c609e0226eb747d89105dc8d55", ",")
	var path [][]byte
	for _, h := range incl {
		path = append(path, mustHex(t, h))
	}
	root := mustHex(t, roots[1000])
	if !equalHashes(pathOf(700, data), path) || !verifyInclusion(700, 1000, hashLeaf(data[700]), path, root) {
		t.Error("the TypeScript inclusion path of 700 in 1000 differs or does not verify")
	}
	cons := strings.Split("1ee653edd3313034e1c802b700f6737784151da16a928545eef80248e2a6734a,701daf191def873ef80956738be2970db90bd97055c143383e0928afacb401c8,dfd34ef234d8f430a1b59584888115db8c19ae8d28b3bc8b0053e0f6ff218e66,9571d27dde4bbe3dd823e138710b60e2d22c3f39f27be71714c5b6c28621a66a,626718ce2026783bc0f3c64f549fcfb141f44f53047843d54720e2f4b620d27b,ccf324ba54666cf18b05f26c8b66894c6b753e9837eb63dbbb3e6b7c87675d2e,456ab140ab5042a78af71371324b72bf0af18bc245e74e8749e035a46e9fe2ed,828515d033c19d8c901f37eccb8aed919667703486f8d2fff1cf7040321c5db1,e8c8269f310b4edc3cacc03b8b9002203a221993a24ad48bf5fc78f9361b33b4", ",")
	var proof [][]byte
	for _, h := range cons {
		proof = append(proof, mustHex(t, h))
	}
	if !equalHashes(proofOf(300, data), proof) || !verifyConsistency(300, 1000, rootOf(leafHashes(data[:300])), root, proof) {
		t.Error("the TypeScript consistency proof 300→1000 differs or does not verify")
	}
}
