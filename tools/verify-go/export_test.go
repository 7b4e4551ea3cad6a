package main

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

/*
 * A synthetic export package in the format of docs/verification.md §8 and services/exports
 * (manifest.json, native/<folder>/records-<v>.jsonl holding the archived bytes one per line,
 * proofs/checkpoint.json, proofs/records.jsonl, proofs/keys.json).
 */

type testPackage struct {
	files   map[string][]byte
	records []map[string]any
	leaves  []leaf
	bodies  map[string][]byte
	priv    ed25519.PrivateKey
	pubB64  string
}

const nativeFile = "native/16505551234-0123456789ab/records-001.jsonl"

func newTestPackage(t testing.TB) *testPackage {
	p := &testPackage{files: map[string][]byte{}, bodies: map[string][]byte{}, priv: seedKey()}
	p.pubB64 = base64.StdEncoding.EncodeToString(p.priv.Public().(ed25519.PublicKey))
	// the tenant's log: records produced and others, audit events between them
	for i := 0; i < 11; i++ {
		if i%3 == 1 {
			sum := sha256.Sum256([]byte(fmt.Sprint(i)))
			p.leaves = append(p.leaves, leaf{uint64(i), "audit", fmt.Sprintf("ev-%d", i), fmt.Sprintf("tenants/acme/audit/2024-05-01/ev-%d.json", i), fmt.Sprintf("%032x", i), hex.EncodeToString(sum[:]), "", "", "audit", retain})
			continue
		}
		id := fmt.Sprintf("wa%02d-rec", i)
		body, integrity := envelopeBytes(t, id, fmt.Sprintf("message %d \"quoted\" <b>", i))
		sum := sha256.Sum256(body)
		l := leaf{uint64(i), "record", id, fmt.Sprintf("tenants/acme/records/wa/%s.json", id), fmt.Sprintf("%032x", i), hex.EncodeToString(sum[:]), integrity, "whatsapp", "message", retain}
		p.leaves = append(p.leaves, l)
		p.bodies[id] = body
		if i < 9 { // the package produces some of them
			p.records = append(p.records, map[string]any{"id": id, "key": l.Key, "versionId": l.VersionID, "objectSha256": l.SHA256, "envelopeSha256": integrity, "conversationId": "16505551234"})
		}
	}
	var data [][]byte
	for i := range p.leaves {
		data = append(data, leafBytes(&p.leaves[i]))
	}
	size := uint64(len(p.leaves))
	body := checkpointText(size, hex.EncodeToString(mth(data)), strings.Repeat("e", 64))
	sum := sha256.Sum256(p.priv.Public().(ed25519.PublicKey))
	keyID := "ed25519:" + hex.EncodeToString(sum[:])[:16]
	p.files[proofsCheckpointPath] = mustJSON(t, map[string]any{"schema": "custody.signed-checkpoint/v1", "body": body,
		"signatures": []map[string]string{{"keyId": keyID, "algorithm": "ed25519", "signature": base64.StdEncoding.EncodeToString(ed25519.Sign(p.priv, []byte(body)))}}})
	var proofs, native bytes.Buffer
	for _, r := range p.records {
		id := r["id"].(string)
		var l *leaf
		for i := range p.leaves {
			if p.leaves[i].ID == id {
				l = &p.leaves[i]
			}
		}
		var path []string
		for _, h := range pathOf(int(l.Sequence), data) {
			path = append(path, hex.EncodeToString(h))
		}
		proofs.Write(mustJSON(t, map[string]any{"recordId": id, "leaf": l, "leafHash": hex.EncodeToString(leafHash(l)), "leafIndex": l.Sequence, "treeSize": size, "path": path}))
		proofs.WriteByte('\n')
		native.Write(p.bodies[id])
		native.WriteByte('\n')
	}
	p.files[proofsRecordsPath] = proofs.Bytes()
	p.files["proofs/keys.json"] = mustJSON(t, map[string]any{"keys": []map[string]string{{"keyId": keyID, "algorithm": "ed25519", "publicKey": p.pubB64}}})
	p.files[nativeFile] = native.Bytes()
	p.files["pdf/16505551234-0123456789ab/transcript-001.pdf"] = []byte("%PDF-1.7 …")
	return p
}

// manifest writes manifest.json listing every other file with its size and SHA-256, as finishPackage does.
func (p *testPackage) manifest(t testing.TB) {
	var paths []string
	for path := range p.files {
		if path != manifestPath {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	var files []map[string]any
	for _, path := range paths {
		sum := sha256.Sum256(p.files[path])
		files = append(files, map[string]any{"path": path, "size": len(p.files[path]), "sha256": hex.EncodeToString(sum[:]), "format": strings.Split(path, "/")[0]})
	}
	p.files[manifestPath] = mustJSON(t, map[string]any{"schema": "custody.export-manifest/v1", "export": map[string]any{"id": "exp-1", "tenant": "acme", "name": "Matter"},
		"counts": map[string]int{"files": len(files), "records": len(p.records)}, "files": files, "records": p.records})
}

func (p *testPackage) writeDir(t testing.TB) string {
	dir := t.TempDir()
	for path, b := range p.files {
		full := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func (p *testPackage) writeZip(t testing.TB, prefix string) string {
	file := filepath.Join(t.TempDir(), "exp-1.zip")
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	var paths []string
	for path := range p.files {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		w, err := z.Create(prefix + path)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.files[path])
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func exportKinds(r *exportReport) map[string][]string {
	out := map[string][]string{}
	for _, p := range r.Problems {
		out[p.Kind] = append(out[p.Kind], p.Key)
	}
	return out
}

func verifyPackage(t *testing.T, path string, keys ...string) *exportReport {
	t.Helper()
	var trusted []publicKey
	for _, k := range keys {
		pk, err := publicKeyFromBase64(k)
		if err != nil {
			t.Fatal(err)
		}
		trusted = append(trusted, pk)
	}
	r, err := verifyExport(path, trusted)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestIntactExportPackageVerifies(t *testing.T) {
	p := newTestPackage(t)
	p.manifest(t)
	for name, path := range map[string]string{"directory": p.writeDir(t), "zip": p.writeZip(t, ""), "zip in a folder": p.writeZip(t, "exp-1/")} {
		r := verifyPackage(t, path, p.pubB64)
		if !r.OK || len(r.Problems) != 0 || r.Records != 6 || r.Proven != 6 || r.NativeRecords != 6 || r.Tenant != "acme" || r.Checkpoint.Size != 11 {
			t.Errorf("%s: %+v", name, r)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"export", "--package", p.writeZip(t, ""), "--public-key", p.pubB64}, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "VERIFIED: export exp-1 of tenant acme, 6 records, 6 proven") {
		t.Errorf("command: %d %q %q", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := run([]string{"export", "--package", p.writeDir(t), "--public-key", p.pubB64, "--json"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), `"ok": true`) {
		t.Errorf("json: %d %q", code, out.String())
	}
}

func TestExportPackageAlterations(t *testing.T) {
	other := base64.StdEncoding.EncodeToString(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)).Public().(ed25519.PublicKey))
	lines := func(b []byte) []string { return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") }
	editProof := func(p *testPackage, i int, change func(m map[string]any)) {
		ls := lines(p.files[proofsRecordsPath])
		var m map[string]any
		json.Unmarshal([]byte(ls[i]), &m)
		change(m)
		ls[i] = string(mustJSON(t, m))
		p.files[proofsRecordsPath] = []byte(strings.Join(ls, "\n") + "\n")
	}
	cases := map[string]struct {
		alter func(p *testPackage)
		after func(p *testPackage) // after the manifest is written
		key   string
		want  map[string][]string
	}{
		"a native record forged, integrity recomputed, manifest re-hashed": {
			alter: func(p *testPackage) {
				ls := lines(p.files[nativeFile])
				ls[1] = string(forge(t, "forged")(nil, []byte(ls[1])))
				p.files[nativeFile] = []byte(strings.Join(ls, "\n") + "\n")
			},
			want: map[string][]string{"native_altered": {"tenants/acme/records/wa/wa02-rec.json"}},
		},
		"a native file altered after the manifest": {
			after: func(p *testPackage) {
				p.files[nativeFile] = bytes.Replace(p.files[nativeFile], []byte("message 3"), []byte("message 4"), 1)
			},
			want: map[string][]string{"file_altered": {nativeFile}, "native_altered": {"tenants/acme/records/wa/wa03-rec.json"}},
		},
		"a record slipped into a native file": {
			alter: func(p *testPackage) {
				body, _ := envelopeBytes(t, "wa99-new", "slipped")
				p.files[nativeFile] = append(p.files[nativeFile], append(body, '\n')...)
			},
			want: map[string][]string{"native_unexpected": {nativeFile + ":7"}},
		},
		"another key": {
			key:  other,
			want: map[string][]string{"checkpoint_signature": {proofsCheckpointPath}},
		},
		"a path hash altered": {
			alter: func(p *testPackage) {
				editProof(p, 2, func(m map[string]any) {
					path := m["path"].([]any)
					path[0] = strings.Repeat("0", 64)
				})
			},
			want: map[string][]string{"proof_inclusion": {"tenants/acme/records/wa/wa03-rec.json"}},
		},
		"a proof for another tree size": {
			alter: func(p *testPackage) { editProof(p, 0, func(m map[string]any) { m["treeSize"] = 10 }) },
			want:  map[string][]string{"proof_inclusion": {"tenants/acme/records/wa/wa00-rec.json"}},
		},
		"a leaf hash that is not the leaf's": {
			alter: func(p *testPackage) {
				editProof(p, 0, func(m map[string]any) { m["leafHash"] = strings.Repeat("1", 64) })
			},
			want: map[string][]string{"proof_leaf_hash": {"tenants/acme/records/wa/wa00-rec.json"}},
		},
		"a leaf naming another version": {
			alter: func(p *testPackage) {
				editProof(p, 3, func(m map[string]any) { m["leaf"].(map[string]any)["versionId"] = "0000000000000000000000000000beef" })
			},
			want: map[string][]string{"proof_mismatch": {"tenants/acme/records/wa/wa05-rec.json"}},
		},
		"a manifest record with another object hash": {
			alter: func(p *testPackage) { p.records[0]["objectSha256"] = strings.Repeat("2", 64) },
			want:  map[string][]string{"proof_mismatch": {"tenants/acme/records/wa/wa00-rec.json"}},
		},
		"a proof line missing": {
			alter: func(p *testPackage) {
				ls := lines(p.files[proofsRecordsPath])
				p.files[proofsRecordsPath] = []byte(strings.Join(ls[1:], "\n") + "\n")
			},
			want: map[string][]string{"proof_missing": {"tenants/acme/records/wa/wa00-rec.json"}},
		},
		"no checkpoint": {
			alter: func(p *testPackage) { delete(p.files, proofsCheckpointPath) },
			want:  map[string][]string{"checkpoint_invalid": {proofsCheckpointPath}},
		},
		"a file not in the manifest": {
			after: func(p *testPackage) { p.files["eml/extra.eml"] = []byte("x") },
			want:  map[string][]string{"file_unexpected": {"eml/extra.eml"}},
		},
		"a listed file missing": {
			after: func(p *testPackage) { delete(p.files, "proofs/keys.json") },
			want:  map[string][]string{"file_missing": {"proofs/keys.json"}},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := newTestPackage(t)
			if c.alter != nil {
				c.alter(p)
			}
			p.manifest(t)
			if c.after != nil {
				c.after(p)
			}
			key := c.key
			if key == "" {
				key = p.pubB64
			}
			for _, path := range []string{p.writeDir(t), p.writeZip(t, "")} {
				r := verifyPackage(t, path, key)
				if got := exportKinds(r); fmt.Sprint(got) != fmt.Sprint(c.want) || r.OK {
					t.Errorf("%s: problems %v, want %v\n%s", filepath.Base(path), got, c.want, mustJSON(t, r.Problems))
				}
			}
		})
	}
}
