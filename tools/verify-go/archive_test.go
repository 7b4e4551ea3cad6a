package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

/*
 * A synthetic embedded archive written the way docs/verification.md §1–§7 describes it (bucketed
 * version files, leaf batches, tiles, signed checkpoints), then altered the ways an insider could.
 */

const testTenant = "acme"

type testArchive struct {
	t       testing.TB
	dir     string
	leaves  []leaf
	clock   int
	priv    ed25519.PrivateKey
	pubB64  string
	records map[string]string // record id → key
}

func newTestArchive(t testing.TB) *testArchive {
	priv := seedKey()
	return &testArchive{t: t, dir: t.TempDir(), priv: priv, pubB64: base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey)), records: map[string]string{}}
}

// encodeURIComponent as JavaScript has it.
func encodeURIComponent(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func bucketOf(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])[:1]
}

// versionPath places a version as the embedded store does: every segment in a bucket named by its hash.
func (a *testArchive) versionPath(key, versionID string) string {
	parts := []string{a.dir, "versions"}
	segments := strings.Split(key, "/")
	for i, s := range segments {
		name := encodeURIComponent(s)
		if i == len(segments)-1 {
			name += "@" + versionID
		}
		parts = append(parts, bucketOf(encodeURIComponent(s)), name)
	}
	return filepath.Join(parts...)
}

func (a *testArchive) nextVersionID() string {
	a.clock++
	return fmt.Sprintf("%012x%020x", 0x18f00000000+a.clock, a.clock)
}

func versionFileBytes(meta map[string]any, body []byte) []byte {
	meta["size"] = len(body)
	sum := sha256.Sum256(body)
	meta["sha256"] = hex.EncodeToString(sum[:])
	m, _ := json.Marshal(meta)
	fixed := make([]byte, 48)
	copy(fixed, versionMagic)
	binary.BigEndian.PutUint32(fixed[8:], 1)
	binary.BigEndian.PutUint32(fixed[12:], uint32(len(m)))
	h := sha256.New()
	h.Write(fixed[:16])
	h.Write(m)
	copy(fixed[16:], h.Sum(nil))
	return append(append(fixed, m...), body...)
}

func (a *testArchive) write(path string, b []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		a.t.Fatal(err)
	}
	_ = os.Chmod(path, 0o600)
	if err := os.WriteFile(path, b, 0o400); err != nil {
		a.t.Fatal(err)
	}
}

// put stores a new version of key and returns its version id.
func (a *testArchive) put(key string, body []byte, retainUntil string) string {
	id := a.nextVersionID()
	meta := map[string]any{"key": key, "versionId": id, "contentType": "application/json", "metadata": map[string]string{}, "retainUntil": retainUntil, "legalHold": false, "lastModified": "2024-05-01T10:00:00.000Z"}
	a.write(a.versionPath(key, id), versionFileBytes(meta, body))
	return id
}

const retain = "2031-05-01T12:00:00.000Z"

func envelopeBytes(t testing.TB, id, text string) ([]byte, string) {
	unsealed := fmt.Sprintf(`{"schema":"custody.envelope/v1","id":%q,"tenant":"acme","channel":"whatsapp","kind":"message","sentAt":"2024-05-01T10:00:00.000Z","content":{"text":%q},"n":1.5}`, id, text)
	v, err := parseJSON([]byte(unsealed))
	if err != nil {
		t.Fatal(err)
	}
	integrity, err := integrityHash(v)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.TrimSuffix(unsealed, "}") + fmt.Sprintf(`,"integrity":{"sha256":%q}}`, integrity)), integrity
}

func (a *testArchive) addRecord(id, text string) string {
	key := fmt.Sprintf("tenants/%s/records/%s/%s.json", testTenant, id[:2], id)
	body, integrity := envelopeBytes(a.t, id, text)
	version := a.put(key, body, retain)
	sum := sha256.Sum256(body)
	a.leaves = append(a.leaves, leaf{uint64(len(a.leaves)), "record", id, key, version, hex.EncodeToString(sum[:]), integrity, "whatsapp", "message", retain})
	a.records[id] = key
	return key
}

func (a *testArchive) addAudit(id string) string {
	key := fmt.Sprintf("tenants/%s/audit/2024-05-01/%s.json", testTenant, id)
	body := []byte(fmt.Sprintf(`{"id":%q,"action":"records.read","outcome":"ok"}`, id))
	version := a.put(key, body, retain)
	sum := sha256.Sum256(body)
	a.leaves = append(a.leaves, leaf{uint64(len(a.leaves)), "audit", id, key, version, hex.EncodeToString(sum[:]), "", "", "audit", retain})
	return key
}

func batchBytes(t testing.TB, first uint64, leaves []leaf) []byte {
	return mustJSON(t, map[string]any{
		"schema": "custody.log-leaves/v1", "tenant": testTenant, "first": first, "leaves": leaves,
		"after": map[string]any{"counts": map[string]int{}, "retainUntil": retain, "checkpoint": nil},
	})
}

func (a *testArchive) signedCheckpoint(body string, priv ed25519.PrivateKey) []byte {
	sum := sha256.Sum256(priv.Public().(ed25519.PublicKey))
	return mustJSON(a.t, map[string]any{
		"schema": "custody.signed-checkpoint/v1", "body": body,
		"signatures": []map[string]string{{"keyId": "ed25519:" + hex.EncodeToString(sum[:])[:16], "algorithm": "ed25519", "signature": base64.StdEncoding.EncodeToString(ed25519.Sign(priv, []byte(body)))}},
	})
}

func checkpointText(size uint64, root, previous string) string {
	if previous == "" {
		previous = "none"
	}
	return fmt.Sprintf("custody.checkpoint/v1\ntenant %s\nsize %d\nroot %s\nprevious %s\ntime 2024-05-01T10:00:00.000Z\nretain-until %s", testTenant, size, root, previous, retain)
}

func checkpointKeyOf(size uint64) string {
	return fmt.Sprintf("tenants/%s/log/checkpoints/%s.json", testTenant, pad(size, 12))
}

// writeLog writes the leaves in batches of at most batch (never across a tile), the full tiles, and checkpoints at the sizes given.
func (a *testArchive) writeLog(batch int, checkpointSizes ...uint64) {
	for first := 0; first < len(a.leaves); {
		end := first + batch
		if tileEnd := (first/tileWidth + 1) * tileWidth; end > tileEnd {
			end = tileEnd
		}
		if end > len(a.leaves) {
			end = len(a.leaves)
		}
		a.put(leavesKey(testTenant, uint64(first)), batchBytes(a.t, uint64(first), a.leaves[first:end]), retain)
		first = end
	}
	var hashes [][]byte
	for i := range a.leaves {
		hashes = append(hashes, leafHash(&a.leaves[i]))
	}
	for i := 0; (i+1)*tileWidth <= len(hashes); i++ {
		a.put(fmt.Sprintf("tenants/%s/log/tiles/0/%s", testTenant, pad(uint64(i), 10)), bytes.Join(hashes[i*tileWidth:(i+1)*tileWidth], nil), retain)
	}
	previous := ""
	for _, size := range checkpointSizes {
		body := checkpointText(size, hex.EncodeToString(rootOf(hashes[:size])), previous)
		a.put(checkpointKeyOf(size), a.signedCheckpoint(body, a.priv), retain)
		previous = checkpointHash(body)
	}
}

// files of a key, oldest version first.
func (a *testArchive) files(key string) []string {
	var out []string
	_ = filepath.WalkDir(filepath.Join(a.dir, "versions"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if v, err := readVersionHeader(p); err == nil && v.Key == key {
				out = append(out, p)
			}
		}
		return nil
	})
	return out
}

func (a *testArchive) readFile(path string) (map[string]any, []byte) {
	b, err := os.ReadFile(path)
	if err != nil {
		a.t.Fatal(err)
	}
	n := binary.BigEndian.Uint32(b[12:16])
	meta := map[string]any{}
	if err := json.Unmarshal(b[48:48+n], &meta); err != nil {
		a.t.Fatal(err)
	}
	return meta, b[48+n:]
}

// rewrite replaces the only version of key with every hash in its file recomputed.
func (a *testArchive) rewrite(key string, change func(meta map[string]any, body []byte) []byte) {
	files := a.files(key)
	if len(files) != 1 {
		a.t.Fatalf("%d files for %s", len(files), key)
	}
	meta, body := a.readFile(files[0])
	a.write(files[0], versionFileBytes(meta, change(meta, body)))
}

// forge changes a record's text and recomputes its envelope integrity.
func forge(t testing.TB, text string) func(map[string]any, []byte) []byte {
	return func(_ map[string]any, body []byte) []byte {
		var env map[string]any
		if err := json.Unmarshal(body, &env); err != nil {
			t.Fatal(err)
		}
		env["content"] = map[string]any{"text": text}
		delete(env, "integrity")
		v, _ := parseJSON(mustJSON(t, env))
		h, _ := integrityHash(v)
		env["integrity"] = map[string]string{"sha256": h}
		return mustJSON(t, env)
	}
}

// standard builds 5 records and 260 audit events (a full tile and more), logged in batches of 100, checkpointed at 5, 200 and 265.
func standard(t testing.TB) *testArchive {
	a := newTestArchive(t)
	for i := 0; i < 5; i++ {
		a.addRecord(fmt.Sprintf("wa%02d-record", i), fmt.Sprintf("acme message %d <about> the bond & order \u2028 é", i))
	}
	for i := 0; i < 260; i++ {
		a.addAudit(fmt.Sprintf("ev-%04d", i))
	}
	a.writeLog(100, 5, 200, 265)
	return a
}

func (a *testArchive) verify(trusted ...string) *archiveReport {
	a.t.Helper()
	if len(trusted) == 0 {
		trusted = []string{a.pubB64}
	}
	var keys []publicKey
	for _, k := range trusted {
		pk, err := publicKeyFromBase64(k)
		if err != nil {
			a.t.Fatal(err)
		}
		keys = append(keys, pk)
	}
	r, err := verifyArchive(a.dir, testTenant, keys)
	if err != nil {
		a.t.Fatal(err)
	}
	return r
}

func kinds(r *archiveReport) map[string][]string {
	out := map[string][]string{}
	for _, p := range r.Problems {
		out[p.Kind] = append(out[p.Kind], p.Key)
	}
	return out
}

func expectOnly(t *testing.T, r *archiveReport, want map[string][]string) {
	t.Helper()
	got := kinds(r)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("problems %v, want %v\n%s", got, want, mustJSON(t, r.Problems))
	}
	if r.OK != (len(want) == 0) {
		t.Errorf("ok %v with %d problems", r.OK, len(r.Problems))
	}
}

func TestIntactArchiveVerifies(t *testing.T) {
	a := standard(t)
	// another tenant's objects and a lock journal are not this tenant's archive
	a.put("tenants/acme-2/records/wa/wa-other.json", []byte("{}"), retain)
	a.write(filepath.Join(a.dir, "versions", "0", lockJournal), []byte("{}\n"))
	r := a.verify()
	expectOnly(t, r, map[string][]string{})
	if r.LogSize != 265 || r.Checkpoints != 3 || r.Stored != 265 || r.Rehashed != 265 || r.Uncheckpointed != 0 || r.LatestCheckpoint.Size != 265 {
		t.Errorf("report %+v", r)
	}
	hashes := [][]byte{}
	for i := range a.leaves {
		hashes = append(hashes, leafHash(&a.leaves[i]))
	}
	if r.Root != hex.EncodeToString(mth2(hashes)) {
		t.Errorf("root %s", r.Root)
	}
}

// mth2 is MTH over leaf hashes, from the definition.
func mth2(h [][]byte) []byte {
	switch len(h) {
	case 0:
		return emptyRoot()
	case 1:
		return h[0]
	}
	k := largestPowerOfTwoBelow(len(h))
	return hashNode(mth2(h[:k]), mth2(h[k:]))
}

func TestArchiveAlterations(t *testing.T) {
	record := "tenants/acme/records/wa/wa01-record.json"
	audit := "tenants/acme/audit/2024-05-01/ev-0003.json"
	cases := map[string]struct {
		alter func(a *testArchive)
		want  map[string][]string
	}{
		"a record rewritten with its integrity recomputed": {
			func(a *testArchive) { a.rewrite(record, forge(t, "forged")) },
			map[string][]string{"altered": {record}},
		},
		"a record rewritten without its integrity": {
			func(a *testArchive) {
				a.rewrite(record, func(_ map[string]any, b []byte) []byte {
					return bytes.Replace(b, []byte("message 1"), []byte("message 9"), 1)
				})
			},
			map[string][]string{"altered": {record}},
		},
		"an audit event edited": {
			func(a *testArchive) {
				a.rewrite(audit, func(_ map[string]any, b []byte) []byte {
					return bytes.Replace(b, []byte(`"ok"`), []byte(`"denied"`), 1)
				})
			},
			map[string][]string{"altered": {audit}},
		},
		"a forged newer version": {
			func(a *testArchive) { body, _ := envelopeBytes(t, "wa01-record", "newer"); a.put(record, body, retain) },
			map[string][]string{"extra_version": {record}},
		},
		"a version deleted": {
			func(a *testArchive) { os.Remove(a.files(record)[0]) },
			map[string][]string{"missing": {record}},
		},
		"a version deleted with a disposition certificate": {
			func(a *testArchive) {
				os.Remove(a.files(record)[0])
				cert := fmt.Sprintf(`{"schema":"custody.disposition-certificate/v1","dryRun":false,"disposed":[{"key":%q,"versionId":%q}]}`, record, a.leaves[1].VersionID)
				a.put("tenants/acme/disposition/disp-1.json", []byte(cert), retain)
			},
			map[string][]string{},
		},
		"a version deleted, a dry-run certificate": {
			func(a *testArchive) {
				os.Remove(a.files(record)[0])
				cert := fmt.Sprintf(`{"dryRun":true,"disposed":[{"key":%q,"versionId":%q}]}`, record, a.leaves[1].VersionID)
				a.put("tenants/acme/disposition/disp-1.json", []byte(cert), retain)
			},
			map[string][]string{"missing": {record}},
		},
		"a record slipped in": {
			func(a *testArchive) {
				body, _ := envelopeBytes(t, "wa99-new", "slipped in")
				a.put("tenants/acme/records/wa/wa99-new.json", body, retain)
				// an attachment manifest beside a record is not a record
				a.put("tenants/acme/records/wa/wa01-record.attachments/a1.json", []byte("{}"), retain)
			},
			map[string][]string{"unexpected": {"tenants/acme/records/wa/wa99-new.json"}},
		},
		"retention moved back": {
			func(a *testArchive) {
				a.rewrite(record, func(m map[string]any, b []byte) []byte { m["retainUntil"] = "2025-01-01T00:00:00.000Z"; return b })
			},
			map[string][]string{"retention_shortened": {record}},
		},
		"retention extended": {
			func(a *testArchive) {
				a.rewrite(record, func(m map[string]any, b []byte) []byte { m["retainUntil"] = "2040-01-01T00:00:00Z"; return b })
			},
			map[string][]string{},
		},
		"a version file's metadata edited without its checksum": {
			func(a *testArchive) {
				f := a.files(record)[0]
				b, _ := os.ReadFile(f)
				a.write(f, bytes.Replace(b, []byte(`"legalHold":false`), []byte(`"legalHold":!true`), 1))
			},
			map[string][]string{"altered": {record}},
		},
		"a version file's bytes cut": {
			func(a *testArchive) {
				f := a.files(record)[0]
				b, _ := os.ReadFile(f)
				a.write(f, b[:len(b)-1])
			},
			map[string][]string{"altered": {record}},
		},
		"a leaf batch rewritten": {
			func(a *testArchive) {
				a.rewrite(leavesKey(testTenant, 0), func(_ map[string]any, b []byte) []byte {
					return bytes.Replace(b, []byte(a.leaves[2].SHA256), []byte(strings.Repeat("0", 64)), 1)
				})
			},
			map[string][]string{
				"altered":         {"tenants/acme/records/wa/wa02-record.json"},
				"checkpoint_root": {checkpointKeyOf(5), checkpointKeyOf(200), checkpointKeyOf(265)},
				"log_altered":     {"tenants/acme/log/tiles/0/0000000000"},
			},
		},
		"a leaf batch with a member the format does not have": {
			func(a *testArchive) {
				a.rewrite(leavesKey(testTenant, 200), func(_ map[string]any, b []byte) []byte {
					return bytes.Replace(b, []byte(`"first":200`), []byte(`"first":200,"note":"x"`), 1)
				})
			},
			map[string][]string{"log_altered": {leavesKey(testTenant, 200)}, "checkpoint_beyond_log": {checkpointKeyOf(265)}, "unexpected": nil},
		},
		"a leaf batch deleted": {
			func(a *testArchive) { os.Remove(a.files(leavesKey(testTenant, 100))[0]) },
			map[string][]string{"log_gap": {leavesKey(testTenant, 200)}, "checkpoint_beyond_log": {checkpointKeyOf(200), checkpointKeyOf(265)}, "unexpected": nil},
		},
		"a tile rewritten": {
			func(a *testArchive) {
				a.rewrite("tenants/acme/log/tiles/0/0000000000", func(_ map[string]any, b []byte) []byte { b[100] ^= 1; return b })
			},
			map[string][]string{"log_altered": {"tenants/acme/log/tiles/0/0000000000"}},
		},
		"a checkpoint signed by another key": {
			func(a *testArchive) {
				other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
				a.put(checkpointKeyOf(999), a.signedCheckpoint(checkpointText(999, strings.Repeat("ab", 32), ""), other), retain)
			},
			map[string][]string{"checkpoint_signature": {checkpointKeyOf(999)}, "checkpoint_chain": {checkpointKeyOf(999)}, "checkpoint_beyond_log": {checkpointKeyOf(999)}},
		},
		"a checkpoint out of the chain": {
			func(a *testArchive) {
				hashes := [][]byte{}
				for i := range a.leaves[:100] {
					hashes = append(hashes, leafHash(&a.leaves[i]))
				}
				a.put(checkpointKeyOf(100), a.signedCheckpoint(checkpointText(100, hex.EncodeToString(rootOf(hashes)), ""), a.priv), retain)
			},
			map[string][]string{"checkpoint_chain": {checkpointKeyOf(100), checkpointKeyOf(200)}},
		},
		"a checkpoint stored under another size": {
			func(a *testArchive) {
				a.put(checkpointKeyOf(7), a.signedCheckpoint(checkpointText(5, strings.Repeat("ab", 32), ""), a.priv), retain)
			},
			map[string][]string{"checkpoint_invalid": {checkpointKeyOf(7)}},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			a := standard(t)
			c.alter(a)
			r := a.verify()
			got := kinds(r)
			for kind, keys := range c.want {
				if keys == nil {
					if len(got[kind]) == 0 {
						t.Errorf("no %s", kind)
					}
					delete(got, kind)
					continue
				}
				if fmt.Sprint(got[kind]) != fmt.Sprint(keys) {
					t.Errorf("%s: %v, want %v", kind, got[kind], keys)
				}
				delete(got, kind)
			}
			if len(got) > 0 {
				t.Errorf("unexpected problems %v\n%s", got, mustJSON(t, r.Problems))
			}
			if r.OK != (len(c.want) == 0) {
				t.Errorf("ok %v", r.OK)
			}
		})
	}
}

func TestLogRepeatsAndConflicts(t *testing.T) {
	a := newTestArchive(t)
	a.addRecord("wa00-record", "one")
	a.addRecord("wa01-record", "two")
	again := a.leaves[0]
	again.Sequence = 2
	a.leaves = append(a.leaves, again) // a redelivered batch: the same version logged again
	a.writeLog(2, 3)
	expectOnly(t, a.verify(), map[string][]string{})
	if r := a.verify(); r.Duplicates != 1 {
		t.Errorf("duplicates %d", r.Duplicates)
	}

	b := newTestArchive(t)
	b.addRecord("wa00-record", "one")
	conflict := b.leaves[0]
	conflict.Sequence, conflict.VersionID = 1, "0000000000000000000000000000dead"
	b.leaves = append(b.leaves, conflict)
	b.writeLog(10, 2)
	expectOnly(t, b.verify(), map[string][]string{"log_conflict": {"tenants/acme/records/wa/wa00-record.json"}})
}

func TestArchiveCommand(t *testing.T) {
	a := standard(t)
	runCLI := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(args, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	code, out, _ := runCLI("archive", "--dir", a.dir, "--tenant", testTenant, "--public-key", a.pubB64)
	if code != 0 || !strings.HasPrefix(out, "VERIFIED: tenant acme, 265 leaves") {
		t.Errorf("intact: %d %q", code, out)
	}
	code, out, _ = runCLI("archive", "--dir", a.dir, "--tenant", testTenant, "--public-key", a.pubB64, "--json")
	var report map[string]any
	if err := json.Unmarshal([]byte(out), &report); err != nil || code != 0 || report["ok"] != true || report["logSize"] != 265.0 || report["tenant"] != "acme" {
		t.Errorf("json: %d %v %v", code, report, err)
	}
	other := base64.StdEncoding.EncodeToString(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)).Public().(ed25519.PublicKey))
	code, out, _ = runCLI("archive", "--dir", a.dir, "--tenant", testTenant, "--public-key", other)
	if code != 1 || !strings.HasPrefix(out, "FAILED: ") || !strings.Contains(out, "\ncheckpoint_signature "+checkpointKeyOf(5)+": no signature by a trusted key") {
		t.Errorf("wrong key: %d %q", code, out)
	}
	// a key of an earlier rotation beside the current one: still verified
	if code, _, _ = runCLI("archive", "--dir", a.dir, "--tenant", testTenant, "--public-key", other, "--public-key", a.pubB64); code != 0 {
		t.Errorf("two keys: %d", code)
	}
	a.rewrite("tenants/acme/records/wa/wa03-record.json", forge(t, "forged"))
	code, out, _ = runCLI("archive", "--dir", a.dir, "--tenant", testTenant, "--public-key", a.pubB64)
	if code != 1 || !strings.Contains(out, "\naltered tenants/acme/records/wa/wa03-record.json: ") {
		t.Errorf("altered: %d %q", code, out)
	}
	for name, args := range map[string][]string{
		"no command":     {},
		"unknown":        {"check"},
		"no key":         {"archive", "--dir", a.dir, "--tenant", testTenant},
		"short key":      {"archive", "--dir", a.dir, "--tenant", testTenant, "--public-key", "AAAA"},
		"not base64":     {"archive", "--dir", a.dir, "--tenant", testTenant, "--public-key", "!!"},
		"no tenant":      {"archive", "--dir", a.dir, "--public-key", a.pubB64},
		"bad tenant":     {"archive", "--dir", a.dir, "--tenant", "../x", "--public-key", a.pubB64},
		"no such dir":    {"archive", "--dir", filepath.Join(a.dir, "nope"), "--tenant", testTenant, "--public-key", a.pubB64},
		"unknown flag":   {"archive", "--dir", a.dir, "--tenant", testTenant, "--public-key", a.pubB64, "--sample", "3"},
		"extra argument": {"archive", "--dir", a.dir, "--tenant", testTenant, "--public-key", a.pubB64, "more"},
		"no package":     {"export", "--public-key", a.pubB64},
		"not a package":  {"export", "--package", a.dir, "--public-key", a.pubB64},
	} {
		if code, _, _ := runCLI(args...); code != 2 {
			t.Errorf("%s: exit %d, want 2", name, code)
		}
	}
}
