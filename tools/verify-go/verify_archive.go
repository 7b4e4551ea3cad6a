package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"sort"
)

/*
 * Verifies one tenant of a copy of the embedded archive directory (docs/verification.md §6 steps
 * 1–4) from the version files alone: the log and its signed checkpoints, every stored record and
 * audit version against the leaf that names it, every leaf against the store. A copy is not being
 * written to, so nothing is "pending": a version no leaf names is unexpected.
 */

type latestCheckpoint struct {
	Size   uint64   `json:"size"`
	Root   string   `json:"root"`
	Time   string   `json:"time"`
	KeyIDs []string `json:"keyIds"`
}

type archiveReport struct {
	OK               bool              `json:"ok"`
	Tenant           string            `json:"tenant"`
	LogSize          uint64            `json:"logSize"`
	Root             string            `json:"root"`
	Checkpoints      int               `json:"checkpoints"`
	LatestCheckpoint *latestCheckpoint `json:"latestCheckpoint"`
	Uncheckpointed   uint64            `json:"uncheckpointed"`
	Duplicates       int               `json:"duplicates"`
	Stored           int               `json:"stored"`
	Rehashed         int               `json:"rehashed"`
	Disposed         int               `json:"disposed"`
	Problems         problems          `json:"problems"`
}

type readCheckpoint struct {
	version *storedVersion
	signed  *signedCheckpoint
	body    *checkpointBody
	signers []string
}

type logState struct {
	size       uint64
	root       []byte
	leaves     map[string]*leaf
	order      []string // keys in the order of their first leaf
	duplicates int
}

func verifyArchive(dir, tenant string, trusted []publicKey) (*archiveReport, error) {
	versions, err := listVersions(dir, "tenants/"+tenant+"/")
	if err != nil {
		return nil, err
	}
	// the store's listing order: by key, newest version first
	sort.SliceStable(versions, func(i, j int) bool {
		if versions[i].Key != versions[j].Key {
			return versions[i].Key < versions[j].Key
		}
		return versions[i].VersionID > versions[j].VersionID
	})
	r := &archiveReport{Tenant: tenant, Problems: problems{}}
	ps := &r.Problems

	byKind := map[objectKind][]*storedVersion{}
	keys := map[*storedVersion]parsedKey{}
	for _, v := range versions {
		k := parseTenantKey(v.Key, tenant)
		keys[v] = k
		byKind[k.kind] = append(byKind[k.kind], v)
	}

	// 2. checkpoints, read first: the log walk keeps the roots at their sizes
	checkpoints, err := readCheckpoints(byKind[kindCheckpoint], keys, trusted, ps)
	if err != nil {
		return nil, err
	}
	// 1. the log
	log, rootsAt, err := walkLog(tenant, byKind[kindLeaves], byKind[kindTile], keys, checkpoints, ps)
	if err != nil {
		return nil, err
	}
	r.LogSize, r.Root, r.Duplicates, r.Checkpoints = log.size, hex.EncodeToString(log.root), log.duplicates, len(checkpoints)
	var previous *readCheckpoint
	for _, c := range checkpoints {
		key := c.version.Key
		if c.body.Tenant != tenant {
			ps.add("checkpoint_invalid", key, "", nil, "signed for tenant %s", c.body.Tenant)
		}
		if len(c.signers) == 0 {
			ps.add("checkpoint_signature", key, "", nil, "no signature by a trusted key (%s)", signatureKeyIDs(c.signed))
		}
		expected, previousSize := "", "-"
		if previous != nil {
			expected, previousSize = checkpointHash(previous.signed.Body), fmt.Sprint(previous.body.Size)
		}
		if c.body.Previous != expected {
			ps.add("checkpoint_chain", key, "", nil, "names previous %s, the checkpoint before it (size %s) hashes to %s", orNone(c.body.Previous), previousSize, orNone(expected))
		}
		rootOK := false
		if c.body.Size > log.size {
			ps.add("checkpoint_beyond_log", key, "", nil, "covers %d leaves, the log holds %d", c.body.Size, log.size)
		} else if root, ok := rootsAt[c.body.Size]; !ok || root != c.body.Root {
			ps.add("checkpoint_root", key, "", nil, "root %s, the leaves give %s", c.body.Root, orNone(root))
		} else {
			rootOK = true
		}
		if rootOK && len(c.signers) > 0 && c.body.Tenant == tenant {
			r.LatestCheckpoint = &latestCheckpoint{Size: c.body.Size, Root: c.body.Root, Time: c.body.Time, KeyIDs: c.signers}
		}
		previous = c
	}
	if r.LatestCheckpoint != nil {
		r.Uncheckpointed = log.size - r.LatestCheckpoint.Size
	} else {
		r.Uncheckpointed = log.size
	}

	// 3. the store against the log
	seen := map[string]bool{}
	for _, kind := range []objectKind{kindRecord, kindAudit} {
		for _, v := range byKind[kind] {
			r.Stored++
			l := log.leaves[v.Key]
			if l == nil {
				ps.add("unexpected", v.Key, v.VersionID, nil, "stored, but in no leaf of the record log")
				continue
			}
			if v.VersionID != l.VersionID {
				ps.add("extra_version", v.Key, v.VersionID, nil, "the record log names version %s (leaf %d)", l.VersionID, l.Sequence)
				continue
			}
			seen[v.Key] = true
			if err := rehash(v, l, ps); err != nil {
				return nil, err
			}
			r.Rehashed++
		}
	}

	// 4. the log against the store
	disposed, err := disposedVersions(byKind[kindCertificate])
	if err != nil {
		return nil, err
	}
	for _, key := range log.order {
		l := log.leaves[key]
		if seen[key] {
			continue
		}
		if disposed[key+"@"+l.VersionID] {
			r.Disposed++
		} else {
			ps.add("missing", key, l.VersionID, seq(l.Sequence), "named by leaf %d, not in the store", l.Sequence)
		}
	}
	r.OK = len(r.Problems) == 0
	return r, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func readCheckpoints(vs []*storedVersion, keys map[*storedVersion]parsedKey, trusted []publicKey, ps *problems) ([]*readCheckpoint, error) {
	var out []*readCheckpoint
	for _, v := range vs {
		if v.Damaged != "" {
			ps.add("checkpoint_invalid", v.Key, v.VersionID, nil, "version file damaged: %s", v.Damaged)
			continue
		}
		b, err := v.body()
		if err != nil {
			return nil, err
		}
		signed, err := parseSignedCheckpoint(b)
		if err != nil {
			ps.add("checkpoint_invalid", v.Key, "", nil, "%s", clip(err.Error(), 300))
			continue
		}
		body, err := parseCheckpoint(signed.Body)
		if err != nil {
			ps.add("checkpoint_invalid", v.Key, "", nil, "%s", clip(err.Error(), 300))
			continue
		}
		if body.Size != keys[v].number {
			ps.add("checkpoint_invalid", v.Key, "", nil, "stored as the checkpoint of %d leaves, says %d", keys[v].number, body.Size)
			continue
		}
		out = append(out, &readCheckpoint{version: v, signed: signed, body: body, signers: verifiedSigners(signed, trusted)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].body.Size < out[j].body.Size })
	return out, nil
}

// walkLog reads the leaf batches in order of `first`, hashes every leaf into the tree, compares the
// stored level-0 tiles, and keeps the root at each size a checkpoint names.
func walkLog(tenant string, batches, tiles []*storedVersion, keys map[*storedVersion]parsedKey, checkpoints []*readCheckpoint, ps *problems) (*logState, map[uint64]string, error) {
	sort.SliceStable(batches, func(i, j int) bool { return keys[batches[i]].number < keys[batches[j]].number })
	storedTiles := map[uint64][]*storedVersion{}
	for _, t := range tiles {
		if k := keys[t]; k.level == 0 {
			storedTiles[k.number] = append(storedTiles[k.number], t)
		}
	}
	wanted := map[uint64]bool{}
	for _, c := range checkpoints {
		wanted[c.body.Size] = true
	}
	var tree compactRange
	log := &logState{leaves: map[string]*leaf{}}
	rootsAt := map[uint64]string{}
	if wanted[0] {
		rootsAt[0] = hex.EncodeToString(tree.root())
	}
	var tileHashes [][]byte
	for _, ref := range batches {
		first := keys[ref].number
		if first != tree.size {
			kind := "log_gap"
			if first < tree.size {
				kind = "log_overlap"
			}
			ps.add(kind, ref.Key, "", nil, "batch starts at leaf %d; the log so far has %d", first, tree.size)
			if first < tree.size {
				continue
			}
			break // nothing after a gap can be placed in the tree
		}
		leaves, err := readLeafBatch(ref, tenant, first)
		if err != nil {
			if isIOError(err) {
				return nil, nil, err
			}
			ps.add("log_altered", ref.Key, "", nil, "%s", err.Error())
			break
		}
		for _, l := range leaves {
			h := leafHash(l)
			tree.push(h)
			tileHashes = append(tileHashes, h)
			if len(tileHashes) == tileWidth {
				if err := checkTile(tree.size/tileWidth-1, tileHashes, storedTiles, ps); err != nil {
					return nil, nil, err
				}
				tileHashes = nil
			}
			if wanted[tree.size] {
				rootsAt[tree.size] = hex.EncodeToString(tree.root())
			}
			seen := log.leaves[l.Key]
			switch {
			case seen == nil:
				log.leaves[l.Key] = l
				log.order = append(log.order, l.Key)
			case seen.VersionID == l.VersionID && seen.SHA256 == l.SHA256:
				log.duplicates++ // a redelivered batch logged the same version again
			default:
				ps.add("log_conflict", l.Key, "", seq(l.Sequence), "leaf %d names version %s, leaf %d named %s", l.Sequence, l.VersionID, seen.Sequence, seen.VersionID)
			}
		}
	}
	log.size, log.root = tree.size, tree.root()
	return log, rootsAt, nil
}

type ioError struct{ error }

func isIOError(err error) bool {
	_, ok := err.(ioError)
	return ok
}

var batchMembers = map[string]bool{"schema": true, "tenant": true, "first": true, "leaves": true, "source": true, "after": true}

// readLeafBatch reads one batch: `{schema, tenant, first, leaves, source?, after?}`, leaves[i].sequence = first + i.
func readLeafBatch(v *storedVersion, tenant string, first uint64) ([]*leaf, error) {
	if v.Damaged != "" {
		return nil, fmt.Errorf("log batch %s: version file damaged: %s", v.Key, v.Damaged)
	}
	b, err := v.body()
	if err != nil {
		return nil, ioError{err}
	}
	fail := func(format string, args ...any) ([]*leaf, error) {
		return nil, fmt.Errorf("log batch %s is not a leaf batch: %s", v.Key, clip(fmt.Sprintf(format, args...), 300))
	}
	j, err := parseJSON(b)
	if err != nil {
		return fail("%v", err)
	}
	if j.kind != jsonObject {
		return fail("not a JSON object")
	}
	if err := onlyMembers(j, batchMembers); err != nil {
		return fail("%v", err)
	}
	if schema, err := stringMember(j, "schema"); err != nil || schema != "custody.log-leaves/v1" {
		return fail("schema: expected custody.log-leaves/v1")
	}
	named, err := stringMember(j, "tenant")
	if err != nil {
		return fail("%v", err)
	}
	at, ok := wholeNumber(j.get("first"))
	if !ok {
		return fail("first: expected a non-negative integer")
	}
	if named != tenant || leavesKey(tenant, at) != v.Key || at != first {
		return nil, fmt.Errorf("log batch %s names tenant %s at %d", v.Key, named, at)
	}
	items := j.get("leaves")
	if items == nil || items.kind != jsonArray || len(items.array) == 0 {
		return fail("leaves: expected at least one leaf")
	}
	out := make([]*leaf, 0, len(items.array))
	for i, item := range items.array {
		l, err := parseLeaf(item)
		if err != nil {
			return fail("leaves[%d]: %v", i, err)
		}
		if l.Sequence != first+uint64(i) {
			return nil, fmt.Errorf("log batch %s: leaf %d says sequence %d, expected %d", v.Key, i, l.Sequence, first+uint64(i))
		}
		out = append(out, l)
	}
	return out, nil
}

func checkTile(index uint64, hashes [][]byte, stored map[uint64][]*storedVersion, ps *problems) error {
	// a tile a crash left unwritten is written by the next append; only a stored one can disagree
	for _, t := range stored[index] {
		if t.Damaged != "" {
			ps.add("log_altered", t.Key, t.VersionID, nil, "version file damaged: %s", t.Damaged)
			continue
		}
		b, err := t.body()
		if err != nil {
			return err
		}
		if len(b) != tileBytes {
			ps.add("log_altered", t.Key, "", nil, "tile 0/%d is %d bytes, a tile is %d", index, len(b), tileBytes)
		} else if !bytes.Equal(b, bytes.Join(hashes, nil)) {
			ps.add("log_altered", t.Key, "", nil, "tile 0/%d disagrees with the leaves it covers", index)
		}
	}
	return nil
}

// rehash checks the version a leaf names: its bytes, for a record its envelope, and its retain-until.
func rehash(v *storedVersion, l *leaf, ps *problems) error {
	s := seq(l.Sequence)
	if v.Damaged != "" {
		ps.add("altered", v.Key, v.VersionID, s, "version file damaged: %s", v.Damaged)
		return nil
	}
	b, err := v.body()
	if err != nil {
		return err
	}
	if actual := sha256Hex(b); actual != l.SHA256 {
		ps.add("altered", v.Key, v.VersionID, s, "bytes hash to %s, the record log recorded %s", actual, l.SHA256)
		return nil
	}
	if l.Kind == "record" {
		envelope, err := parseJSON(b)
		if err != nil {
			ps.add("altered", v.Key, v.VersionID, s, "not JSON")
			return nil
		}
		integrity, err := integrityHash(envelope)
		if err != nil {
			ps.add("altered", v.Key, v.VersionID, s, "%v", err)
			return nil
		}
		stated := envelope.get("integrity").get("sha256")
		id := envelope.get("id")
		if integrity != l.EnvelopeSHA256 || stated == nil || stated.kind != jsonString || stated.goString() != integrity ||
			id == nil || id.kind != jsonString || id.goString() != l.ID {
			ps.add("altered", v.Key, v.VersionID, s, "envelope integrity %s, the record log recorded %s", integrity, l.EnvelopeSHA256)
			return nil
		}
	}
	stored, _ := parseInstant(v.RetainUntil)
	logged, ok := parseInstant(l.RetainUntil)
	if ok && stored.Before(logged) {
		ps.add("retention_shortened", v.Key, v.VersionID, s, "retained until %s, the record log recorded %s", v.RetainUntil, l.RetainUntil)
	}
	return nil
}

// disposedVersions is key@versionId of every version a disposition certificate (dryRun false) says it deleted.
func disposedVersions(certs []*storedVersion) (map[string]bool, error) {
	out := map[string]bool{}
	for _, v := range certs {
		if v.Damaged != "" {
			warn("disposition certificate %s: version file damaged (%s); it accounts for nothing", v.Key, v.Damaged)
			continue
		}
		b, err := v.body()
		if err != nil {
			return nil, err
		}
		cert, err := parseJSON(b)
		if err != nil || cert.kind != jsonObject {
			warn("disposition certificate %s is not a JSON object; it accounts for nothing", v.Key)
			continue
		}
		if dry := cert.get("dryRun"); dry == nil || dry.kind != jsonBool || dry.boolean {
			continue
		}
		list := cert.get("disposed")
		if list == nil || list.kind != jsonArray {
			continue
		}
		for _, d := range list.array {
			key, versionID := d.get("key"), d.get("versionId")
			if key != nil && key.kind == jsonString && versionID != nil && versionID.kind == jsonString {
				out[key.goString()+"@"+versionID.goString()] = true
			}
		}
	}
	return out, nil
}
