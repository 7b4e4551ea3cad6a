package main

import (
	"archive/zip"
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

/*
 * Verifies an export package (docs/verification.md §8): the signed checkpoint in proofs/ with the
 * producer's public key, every record of manifest.json against its proof line (same key, version,
 * object and envelope SHA-256; leaf hash re-computed; inclusion in the checkpoint's tree), and every
 * record's archived bytes in the native JSON Lines files against its leaf. Every file the manifest
 * lists is re-hashed too.
 */

const (
	manifestPath         = "manifest.json"
	proofsCheckpointPath = "proofs/checkpoint.json"
	proofsRecordsPath    = "proofs/records.jsonl"
)

var nativeRecordsFile = regexp.MustCompile(`^native/[^/]+/records-\d+\.jsonl$`)

// exportPackage is a package as a directory or a zip: its files by `/`-separated path.
type exportPackage interface {
	paths() []string
	read(path string) ([]byte, bool, error)
	Close() error
}

type dirPackage struct {
	root  string
	files []string
}

func (d *dirPackage) paths() []string { return d.files }
func (d *dirPackage) Close() error    { return nil }
func (d *dirPackage) read(path string) ([]byte, bool, error) {
	b, err := os.ReadFile(filepath.Join(d.root, filepath.FromSlash(path)))
	if os.IsNotExist(err) {
		return nil, false, nil
	}
	return b, err == nil, err
}

type zipPackage struct {
	zip    *zip.ReadCloser
	prefix string
	files  map[string]*zip.File
}

func (z *zipPackage) paths() []string {
	out := make([]string, 0, len(z.files))
	for p := range z.files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
func (z *zipPackage) Close() error { return z.zip.Close() }
func (z *zipPackage) read(path string) ([]byte, bool, error) {
	f := z.files[path]
	if f == nil {
		return nil, false, nil
	}
	r, err := f.Open()
	if err != nil {
		return nil, false, err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return b, err == nil, err
}

// openPackage opens a directory or a .zip; manifest.json is at its root, or in its one top folder.
func openPackage(path string) (exportPackage, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		root := path
		if _, err := os.Stat(filepath.Join(root, manifestPath)); err != nil {
			if entries, _ := os.ReadDir(root); len(entries) == 1 && entries[0].IsDir() {
				root = filepath.Join(root, entries[0].Name())
			}
		}
		d := &dirPackage{root: root}
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.Type().IsRegular() {
				rel, err := filepath.Rel(root, p)
				if err != nil {
					return err
				}
				d.files = append(d.files, filepath.ToSlash(rel))
			}
			return nil
		})
		return d, err
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	z := &zipPackage{zip: zr, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		if f.Name == manifestPath {
			z.prefix = ""
			break
		}
		if dir, ok := strings.CutSuffix(f.Name, "/"+manifestPath); ok && !strings.Contains(dir, "/") {
			z.prefix = dir + "/"
		}
	}
	for _, f := range zr.File {
		if name, ok := strings.CutPrefix(f.Name, z.prefix); ok && !strings.HasSuffix(f.Name, "/") {
			z.files[name] = f
		}
	}
	return z, nil
}

type exportReport struct {
	OK            bool              `json:"ok"`
	Package       string            `json:"package"`
	Tenant        string            `json:"tenant"`
	ExportID      string            `json:"exportId"`
	Checkpoint    *latestCheckpoint `json:"checkpoint"`
	Records       int               `json:"records"`
	Proven        int               `json:"proven"`
	NativeRecords int               `json:"nativeRecords"`
	Files         int               `json:"files"`
	Problems      problems          `json:"problems"`
}

type manifestRecord struct {
	ID, Key, VersionID, ObjectSHA256, EnvelopeSHA256 string
}

type proofLine struct {
	line     int
	leaf     *leaf
	leafHash string
	index    uint64
	size     uint64
	path     [][]byte
}

// errUnreadable marks an input that is not an export package at all (exit 2).
type errUnreadable struct{ error }

func verifyExport(path string, trusted []publicKey) (*exportReport, error) {
	pkg, err := openPackage(path)
	if err != nil {
		return nil, errUnreadable{err}
	}
	defer pkg.Close()
	r := &exportReport{Package: path, Problems: problems{}}
	ps := &r.Problems

	manifestBytes, ok, err := pkg.read(manifestPath)
	if err != nil || !ok {
		return nil, errUnreadable{fmt.Errorf("%s: no %s (not an export package)", path, manifestPath)}
	}
	manifest, err := parseJSON(manifestBytes)
	if err != nil || manifest.kind != jsonObject {
		return nil, errUnreadable{fmt.Errorf("%s: %s is not a JSON object", path, manifestPath)}
	}
	if exp := manifest.get("export"); exp != nil {
		r.Tenant, _ = stringMember(exp, "tenant")
		r.ExportID, _ = stringMember(exp, "id")
	}

	if err := checkFiles(pkg, manifest, r, ps); err != nil {
		return nil, err
	}
	records := manifestRecords(manifest, ps)
	r.Records = len(records)

	// the checkpoint every proof leads to
	var cp *checkpointBody
	if b, ok, err := pkg.read(proofsCheckpointPath); err != nil {
		return nil, err
	} else if !ok {
		ps.add("checkpoint_invalid", proofsCheckpointPath, "", nil, "not in the package")
	} else if signed, err := parseSignedCheckpoint(b); err != nil {
		ps.add("checkpoint_invalid", proofsCheckpointPath, "", nil, "%s", clip(err.Error(), 300))
	} else if body, err := parseCheckpoint(signed.Body); err != nil {
		ps.add("checkpoint_invalid", proofsCheckpointPath, "", nil, "%s", clip(err.Error(), 300))
	} else {
		signers := verifiedSigners(signed, trusted)
		if len(signers) == 0 {
			ps.add("checkpoint_signature", proofsCheckpointPath, "", nil, "no signature by a trusted key (%s)", signatureKeyIDs(signed))
		}
		if r.Tenant != "" && body.Tenant != r.Tenant {
			ps.add("checkpoint_invalid", proofsCheckpointPath, "", nil, "signed for tenant %s, the package is of tenant %s", body.Tenant, r.Tenant)
		}
		cp = body
		r.Checkpoint = &latestCheckpoint{Size: body.Size, Root: body.Root, Time: body.Time, KeyIDs: signers}
	}

	proofs, err := readProofs(pkg, ps)
	if err != nil {
		return nil, err
	}
	byID := map[string]*manifestRecord{}
	for _, rec := range records {
		byID[rec.ID] = rec
		p := proofs[rec.ID]
		if p == nil {
			ps.add("proof_missing", rec.Key, rec.VersionID, nil, "record %s has no line in %s", rec.ID, proofsRecordsPath)
			continue
		}
		l := p.leaf
		var differ []string
		if l.Kind != "record" || l.ID != rec.ID {
			differ = append(differ, fmt.Sprintf("the leaf is of %s %s", l.Kind, l.ID))
		}
		if l.Key != rec.Key {
			differ = append(differ, fmt.Sprintf("key %s", l.Key))
		}
		if rec.VersionID != "" && l.VersionID != rec.VersionID {
			differ = append(differ, fmt.Sprintf("version %s", l.VersionID))
		}
		if l.SHA256 != rec.ObjectSHA256 {
			differ = append(differ, fmt.Sprintf("object SHA-256 %s", l.SHA256))
		}
		if l.EnvelopeSHA256 != rec.EnvelopeSHA256 {
			differ = append(differ, fmt.Sprintf("envelope SHA-256 %s", l.EnvelopeSHA256))
		}
		if len(differ) > 0 {
			ps.add("proof_mismatch", rec.Key, rec.VersionID, seq(l.Sequence), "record %s: its proof line (%d) names %s; the manifest does not", rec.ID, p.line, strings.Join(differ, ", "))
			continue
		}
		computed := leafHash(l)
		if hex.EncodeToString(computed) != p.leafHash {
			ps.add("proof_leaf_hash", rec.Key, rec.VersionID, seq(l.Sequence), "record %s: leaf hash %s, the leaf hashes to %x", rec.ID, p.leafHash, computed)
			continue
		}
		if cp == nil {
			continue
		}
		root, _ := hex.DecodeString(cp.Root)
		switch {
		case p.index != l.Sequence:
			ps.add("proof_inclusion", rec.Key, rec.VersionID, seq(l.Sequence), "record %s: leafIndex %d, the leaf's sequence is %d", rec.ID, p.index, l.Sequence)
		case p.size != cp.Size:
			ps.add("proof_inclusion", rec.Key, rec.VersionID, seq(l.Sequence), "record %s: treeSize %d, the checkpoint's size is %d", rec.ID, p.size, cp.Size)
		case !verifyInclusion(p.index, p.size, computed, p.path, root):
			ps.add("proof_inclusion", rec.Key, rec.VersionID, seq(l.Sequence), "record %s: its path does not prove leaf %d in the tree of %d with root %s", rec.ID, p.index, p.size, cp.Root)
		default:
			r.Proven++
		}
	}

	// the records' archived bytes, one per line of the native JSON Lines files
	for _, file := range pkg.paths() {
		if !nativeRecordsFile.MatchString(file) {
			continue
		}
		b, _, err := pkg.read(file)
		if err != nil {
			return nil, err
		}
		lines := bytes.Split(b, []byte("\n"))
		if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
			lines = lines[:len(lines)-1]
		}
		for i, line := range lines {
			where := fmt.Sprintf("%s:%d", file, i+1)
			j, err := parseJSON(line)
			id := j.get("id")
			if err != nil || id == nil || id.kind != jsonString {
				ps.add("native_altered", where, "", nil, "not a record (a JSON object with an id)")
				continue
			}
			r.NativeRecords++
			rec := byID[id.goString()]
			if rec == nil {
				ps.add("native_unexpected", where, "", nil, "record %s is not in the manifest", id.goString())
				continue
			}
			want := rec.ObjectSHA256
			if p := proofs[rec.ID]; p != nil {
				want = p.leaf.SHA256
			}
			if actual := sha256Hex(line); actual != want {
				ps.add("native_altered", rec.Key, rec.VersionID, nil, "record %s at %s: bytes hash to %s, its leaf recorded %s", rec.ID, where, actual, want)
				continue
			}
			if integrity, err := integrityHash(j); err != nil || integrity != rec.EnvelopeSHA256 {
				ps.add("native_altered", rec.Key, rec.VersionID, nil, "record %s at %s: envelope integrity %s, the manifest recorded %s", rec.ID, where, integrity, rec.EnvelopeSHA256)
			}
		}
	}
	r.OK = len(r.Problems) == 0
	return r, nil
}

// checkFiles re-hashes every file the manifest lists, and names files it does not list.
func checkFiles(pkg exportPackage, manifest *jsonValue, r *exportReport, ps *problems) error {
	files := manifest.get("files")
	if files == nil || files.kind != jsonArray {
		ps.add("manifest_invalid", manifestPath, "", nil, "no files list")
		return nil
	}
	listed := map[string]bool{manifestPath: true}
	for i, f := range files.array {
		path, err1 := stringMember(f, "path")
		sum, err2 := stringMember(f, "sha256")
		size, ok := wholeNumber(f.get("size"))
		if err1 != nil || err2 != nil || !ok {
			ps.add("manifest_invalid", manifestPath, "", nil, "files[%d]: expected {path, size, sha256}", i)
			continue
		}
		listed[path] = true
		r.Files++
		b, found, err := pkg.read(path)
		if err != nil {
			return err
		}
		if !found {
			ps.add("file_missing", path, "", nil, "listed in the manifest, not in the package")
		} else if actual := sha256Hex(b); actual != sum || uint64(len(b)) != size {
			ps.add("file_altered", path, "", nil, "%d bytes hashing to %s, the manifest lists %d bytes hashing to %s", len(b), actual, size, sum)
		}
	}
	for _, p := range pkg.paths() {
		if !listed[p] {
			ps.add("file_unexpected", p, "", nil, "in the package, not listed in the manifest")
		}
	}
	return nil
}

func manifestRecords(manifest *jsonValue, ps *problems) []*manifestRecord {
	list := manifest.get("records")
	if list == nil || list.kind != jsonArray {
		ps.add("manifest_invalid", manifestPath, "", nil, "no records list")
		return nil
	}
	var out []*manifestRecord
	for i, item := range list.array {
		rec := &manifestRecord{}
		var err error
		for _, f := range []struct {
			name string
			to   *string
		}{{"id", &rec.ID}, {"key", &rec.Key}, {"objectSha256", &rec.ObjectSHA256}, {"envelopeSha256", &rec.EnvelopeSHA256}} {
			if *f.to, err = stringMember(item, f.name); err != nil {
				break
			}
		}
		if err != nil {
			ps.add("manifest_invalid", manifestPath, "", nil, "records[%d]: %v", i, err)
			continue
		}
		if v := item.get("versionId"); v != nil {
			if v.kind != jsonString {
				ps.add("manifest_invalid", manifestPath, "", nil, "records[%d]: versionId: expected a string", i)
				continue
			}
			rec.VersionID = v.goString()
		}
		out = append(out, rec)
	}
	return out
}

// readProofs reads proofs/records.jsonl: {recordId, leaf, leafHash, leafIndex, treeSize, path} per line.
func readProofs(pkg exportPackage, ps *problems) (map[string]*proofLine, error) {
	out := map[string]*proofLine{}
	b, ok, err := pkg.read(proofsRecordsPath)
	if err != nil {
		return nil, err
	}
	if !ok {
		ps.add("proof_missing", proofsRecordsPath, "", nil, "not in the package")
		return out, nil
	}
	lines := bytes.Split(b, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	for i, line := range lines {
		where := fmt.Sprintf("%s:%d", proofsRecordsPath, i+1)
		p, id, err := parseProofLine(line)
		if err != nil {
			ps.add("proof_invalid", where, "", nil, "%s", clip(err.Error(), 300))
			continue
		}
		p.line = i + 1
		if out[id] != nil {
			ps.add("proof_invalid", where, "", nil, "a second proof of record %s", id)
			continue
		}
		out[id] = p
	}
	return out, nil
}

func parseProofLine(line []byte) (*proofLine, string, error) {
	j, err := parseJSON(line)
	if err != nil {
		return nil, "", err
	}
	if j.kind != jsonObject {
		return nil, "", fmt.Errorf("not a JSON object")
	}
	id, err := stringMember(j, "recordId")
	if err != nil {
		return nil, "", err
	}
	p := &proofLine{}
	if p.leaf, err = parseLeaf(j.get("leaf")); err != nil {
		return nil, id, fmt.Errorf("leaf: %v", err)
	}
	if p.leafHash, err = stringMember(j, "leafHash"); err != nil {
		return nil, id, err
	}
	var ok bool
	if p.index, ok = wholeNumber(j.get("leafIndex")); !ok {
		return nil, id, fmt.Errorf("leafIndex: expected a non-negative integer")
	}
	if p.size, ok = wholeNumber(j.get("treeSize")); !ok {
		return nil, id, fmt.Errorf("treeSize: expected a non-negative integer")
	}
	path := j.get("path")
	if path == nil || path.kind != jsonArray {
		return nil, id, fmt.Errorf("path: expected an array of hashes")
	}
	for k, h := range path.array {
		if h.kind != jsonString || !hex64.MatchString(h.goString()) {
			return nil, id, fmt.Errorf("path[%d]: expected 64 lower-case hex digits", k)
		}
		b, _ := hex.DecodeString(h.goString())
		p.path = append(p.path, b)
	}
	return p, id, nil
}
