package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

/*
 * The embedded archive directory (docs/verification.md §7): every object version is one file
 * `<name>@<versionId>` anywhere below `versions/`, a 48-byte header, the metadata as JSON, then the
 * object's bytes. Key and version come from the metadata. Files named `@locks` (lock journals) and
 * anything else are not object versions.
 */

const (
	versionMagic  = "CSTDYVER"
	versionFormat = 1
	versionFixed  = 48
	maxMetaBytes  = 1 << 20
	lockJournal   = "@locks"
	tileWidth     = 256
	hashBytes     = 32
	tileBytes     = tileWidth * hashBytes
)

// storedVersion is one version file: what its metadata says, or why it cannot be read.
type storedVersion struct {
	Path         string
	Key          string
	VersionID    string
	RetainUntil  string
	LastModified string
	BodyOffset   int64
	Size         int64
	// Damaged says why the file is not a readable version (Key and VersionID then come from its path).
	Damaged string
}

// body reads the object's bytes.
func (v *storedVersion) body() ([]byte, error) {
	f, err := os.Open(v.Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, v.Size)
	if _, err := f.ReadAt(b, v.BodyOffset); err != nil && !(err == io.EOF && v.Size == 0) {
		return nil, err
	}
	return b, nil
}

// listVersions walks dir/versions and reads the header of every version file whose key starts with prefix.
func listVersions(dir, prefix string) ([]*storedVersion, error) {
	root := filepath.Join(dir, "versions")
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("%s is not an archive directory: %v", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", root)
	}
	var out []*storedVersion
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if !d.Type().IsRegular() || name == lockJournal {
			return nil
		}
		at := strings.IndexByte(name, '@')
		if at <= 0 || at == len(name)-1 || strings.Count(name, "@") != 1 {
			return nil // not a version file
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		v, err := readVersionHeader(path)
		if err != nil {
			return err
		}
		if v.Damaged != "" {
			v.Key, v.VersionID = keyFromPath(filepath.ToSlash(rel))
		}
		if strings.HasPrefix(v.Key, prefix) {
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// keyFromPath is the key and version a file's place stands for: `<bucket>/<segment>/…/<bucket>/<name>@<version>`.
func keyFromPath(rel string) (string, string) {
	parts := strings.Split(rel, "/")
	var segments []string
	for i := 1; i < len(parts); i += 2 {
		segments = append(segments, parts[i])
	}
	if len(segments) == 0 {
		return "", ""
	}
	last := segments[len(segments)-1]
	name, version, _ := strings.Cut(last, "@")
	segments[len(segments)-1] = name
	for i, s := range segments {
		if decoded, err := url.PathUnescape(s); err == nil {
			segments[i] = decoded
		}
	}
	return strings.Join(segments, "/"), version
}

// readVersionHeader reads and checks a version file's header; a file that is not one is returned Damaged (an I/O failure is an error).
func readVersionHeader(path string) (*storedVersion, error) {
	v := &storedVersion{Path: path}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	fixed := make([]byte, versionFixed)
	if n, err := io.ReadFull(f, fixed); err != nil {
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			v.Damaged = fmt.Sprintf("no version header (%d bytes)", n)
			return v, nil
		}
		return nil, err
	}
	if string(fixed[:8]) != versionMagic {
		v.Damaged = "no version header"
		return v, nil
	}
	if format := binary.BigEndian.Uint32(fixed[8:12]); format != versionFormat {
		v.Damaged = fmt.Sprintf("unknown format version %d", format)
		return v, nil
	}
	metaLen := int64(binary.BigEndian.Uint32(fixed[12:16]))
	if metaLen > maxMetaBytes || versionFixed+metaLen > st.Size() {
		v.Damaged = "metadata length beyond the file"
		return v, nil
	}
	meta := make([]byte, metaLen)
	if _, err := io.ReadFull(f, meta); err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write(fixed[:16])
	h.Write(meta)
	if !bytes.Equal(h.Sum(nil), fixed[16:48]) {
		v.Damaged = "header checksum mismatch"
		return v, nil
	}
	m, err := parseJSON(meta)
	if err != nil || m.kind != jsonObject {
		v.Damaged = "metadata is not a JSON object"
		return v, nil
	}
	if v.Key, err = stringMember(m, "key"); err != nil {
		v.Damaged = "metadata: " + err.Error()
		return v, nil
	}
	if v.VersionID, err = stringMember(m, "versionId"); err != nil {
		v.Damaged = "metadata: " + err.Error()
		return v, nil
	}
	if v.RetainUntil, err = stringMember(m, "retainUntil"); err != nil || !validInstant(v.RetainUntil) {
		v.Damaged = "metadata: retainUntil is not an ISO 8601 UTC instant"
		return v, nil
	}
	v.LastModified, _ = stringMember(m, "lastModified")
	size, ok := wholeNumber(m.get("size"))
	v.BodyOffset = versionFixed + metaLen
	if !ok || int64(size) != st.Size()-v.BodyOffset {
		v.Damaged = fmt.Sprintf("holds %d bytes of content, its metadata says %v", st.Size()-v.BodyOffset, m.get("size"))
		if ok {
			v.Damaged = fmt.Sprintf("holds %d bytes of content, its metadata says %d", st.Size()-v.BodyOffset, size)
		}
		return v, nil
	}
	v.Size = int64(size)
	return v, nil
}

/*
 * What a key names, as the reference layout builds keys (docs/verification.md §1): a key counts
 * only in exactly the form Custody writes it.
 */

type objectKind int

const (
	kindOther objectKind = iota
	kindRecord
	kindAudit
	kindLeaves
	kindTile
	kindCheckpoint
	kindCertificate
)

type parsedKey struct {
	kind   objectKind
	id     string // record or audit event id
	number uint64 // first sequence of a leaf batch, size of a checkpoint, index of a tile
	level  uint64 // of a tile
}

var (
	digits10 = regexp.MustCompile(`^\d{10}$`)
	digits12 = regexp.MustCompile(`^\d{12}$`)
	dayRe    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	levelRe  = regexp.MustCompile(`^(0|[1-9]\d*)$`)
)

func pad(n uint64, width int) string {
	s := strconv.FormatUint(n, 10)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// parseTenantKey classifies a key below tenants/<tenant>/.
func parseTenantKey(key, tenant string) parsedKey {
	rest, ok := strings.CutPrefix(key, "tenants/"+tenant+"/")
	if !ok {
		return parsedKey{}
	}
	p := strings.Split(rest, "/")
	for _, s := range p {
		if s == "" {
			return parsedKey{}
		}
	}
	switch {
	case len(p) == 3 && p[0] == "records":
		id, ok := strings.CutSuffix(p[2], ".json")
		// the shard is the id's first two UTF-16 code units
		if ok && id != "" && len(utf16.Encode([]rune(p[1]))) == 2 && strings.HasPrefix(id, p[1]) {
			return parsedKey{kind: kindRecord, id: id}
		}
	case len(p) == 3 && p[0] == "audit":
		id, ok := strings.CutSuffix(p[2], ".json")
		if ok && id != "" && dayRe.MatchString(p[1]) {
			return parsedKey{kind: kindAudit, id: id}
		}
	case len(p) == 4 && p[0] == "log" && p[1] == "leaves":
		first, ok := strings.CutSuffix(p[3], ".json")
		if ok && digits12.MatchString(first) && digits10.MatchString(p[2]) {
			n, _ := strconv.ParseUint(first, 10, 64)
			if p[2] == pad(n/tileWidth, 10) {
				return parsedKey{kind: kindLeaves, number: n}
			}
		}
	case len(p) == 4 && p[0] == "log" && p[1] == "tiles":
		if levelRe.MatchString(p[2]) && digits10.MatchString(p[3]) {
			level, err := strconv.ParseUint(p[2], 10, 64)
			index, _ := strconv.ParseUint(p[3], 10, 64)
			if err == nil {
				return parsedKey{kind: kindTile, level: level, number: index}
			}
		}
	case len(p) == 3 && p[0] == "log" && p[1] == "checkpoints":
		size, ok := strings.CutSuffix(p[2], ".json")
		if ok && digits12.MatchString(size) {
			n, _ := strconv.ParseUint(size, 10, 64)
			return parsedKey{kind: kindCheckpoint, number: n}
		}
	case len(p) == 2 && p[0] == "disposition":
		if run, ok := strings.CutSuffix(p[1], ".json"); ok && run != "" {
			return parsedKey{kind: kindCertificate}
		}
	}
	return parsedKey{}
}

func leavesKey(tenant string, first uint64) string {
	return fmt.Sprintf("tenants/%s/log/leaves/%s/%s.json", tenant, pad(first/tileWidth, 10), pad(first, 12))
}
