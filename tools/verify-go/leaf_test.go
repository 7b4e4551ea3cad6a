package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// Leaf bytes and leaf hashes computed by @custody/record-log (leafBytes, leafHashOf).
func TestLeafVectorsFromTypeScript(t *testing.T) {
	cases := []struct {
		leaf  leaf
		bytes string
		hash  string
	}{
		{
			leaf{257, "record", "wa_3f1c9e", "tenants/acme/records/wa/wa_3f1c9e.json", "0193a1b2c3d4e5f60718293a4b5c6d7e", strings.Repeat("a", 64), strings.Repeat("b", 64), "whatsapp", "message", "2031-05-01T12:00:00.000Z"},
			"custody.leaf/v1\n257\nrecord\nwa_3f1c9e\ntenants/acme/records/wa/wa_3f1c9e.json\n0193a1b2c3d4e5f60718293a4b5c6d7e\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\nwhatsapp\nmessage\n2031-05-01T12:00:00.000Z",
			"9e03d82fc8f0fac5a18404ca7ecc584d014686b16bda99afb8d3697b4d876192",
		},
		{
			leaf{0, "audit", "ev-ünï😀", "tenants/acme/audit/2024-05-01/ev-ünï😀.json", "v1", strings.Repeat("c", 64), "", "", "audit", "2030-01-01T00:00:00Z"},
			"custody.leaf/v1\n0\naudit\nev-ünï😀\ntenants/acme/audit/2024-05-01/ev-ünï😀.json\nv1\ncccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\n\n\naudit\n2030-01-01T00:00:00Z",
			"863052adfa84c899e9a4c631e1ad3cfe27948c586c2b8a60303a231b5053f78e",
		},
	}
	for _, c := range cases {
		if got := string(leafBytes(&c.leaf)); got != c.bytes {
			t.Errorf("leaf bytes %q, want %q", got, c.bytes)
		}
		if got := hex.EncodeToString(leafHash(&c.leaf)); got != c.hash {
			t.Errorf("leaf hash %s, want %s", got, c.hash)
		}
		// the same leaf read back from its JSON (as a batch holds it)
		j, err := parseJSON(mustJSON(t, c.leaf))
		if err != nil {
			t.Fatal(err)
		}
		l, err := parseLeaf(j)
		if err != nil || hex.EncodeToString(leafHash(l)) != c.hash {
			t.Errorf("parsed leaf: %v %v", l, err)
		}
	}
}

func TestParseLeafIsStrict(t *testing.T) {
	good := `{"sequence":3,"kind":"record","id":"r","key":"k","versionId":"v","sha256":"` + strings.Repeat("a", 64) + `","envelopeSha256":"","channel":"","type":"message","retainUntil":"2030-02-28T00:00:00.5Z"}`
	j, _ := parseJSON([]byte(good))
	if _, err := parseLeaf(j); err != nil {
		t.Fatalf("a good leaf: %v", err)
	}
	for name, change := range map[string][2]string{
		"unknown member":    {`"sequence":3`, `"sequence":3,"extra":1`},
		"missing member":    {`"channel":"",`, ``},
		"kind":              {`"kind":"record"`, `"kind":"other"`},
		"negative seq":      {`"sequence":3`, `"sequence":-1`},
		"fraction seq":      {`"sequence":3`, `"sequence":3.5`},
		"string seq":        {`"sequence":3`, `"sequence":"3"`},
		"line break":        {`"id":"r"`, `"id":"r\nx"`},
		"carriage return":   {`"key":"k"`, `"key":"k\r"`},
		"empty id":          {`"id":"r"`, `"id":""`},
		"upper hex":         {`"sha256":"aaaa`, `"sha256":"AAAA`},
		"envelope hex":      {`"envelopeSha256":""`, `"envelopeSha256":"abc"`},
		"no Z":              {`00.5Z"`, `00.5+00:00"`},
		"no seconds":        {`T00:00:00.5Z`, `T00:00Z`},
		"not a date":        {`2030-02-28`, `2030-02-30`},
		"null for a string": {`"type":"message"`, `"type":null`},
	} {
		j, err := parseJSON([]byte(strings.Replace(good, change[0], change[1], 1)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := parseLeaf(j); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if !validInstant("2024-02-29T23:59:59Z") || validInstant("2023-02-29T00:00:00Z") || validInstant("1900-02-29T00:00:00Z") || !validInstant("2000-02-29T00:00:00.123456Z") {
		t.Error("leap years")
	}
}

// A checkpoint signed by @custody/record-log with the key from seed 0x01…0x20, and its successor.
const (
	tsSeedPublicKey   = "ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ="
	tsSeedKeyID       = "ed25519:65b60673d6ed884b"
	tsCheckpoint1     = `{"schema":"custody.signed-checkpoint/v1","body":"custody.checkpoint/v1\ntenant acme\nsize 3\nroot dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\nprevious none\ntime 2024-05-01T10:00:00.000Z\nretain-until 2031-05-01T12:00:00.000Z\ncount - audit 1\ncount whatsapp message 2","signatures":[{"keyId":"ed25519:65b60673d6ed884b","algorithm":"ed25519","signature":"EzT/SqCTTt6hoj0/WJs6Re1lAJTTh5EPLwNmdU7WR3YlxZ06fm7lt0RVQzGf7+3AbxyqpU6irVEtpGArWNFhBw=="}]}`
	tsCheckpoint1Hash = "80101a122c0210ee0f97b0312abf36a38ffeeae285464abf838237499d095f9d"
	tsCheckpoint2     = `{"schema":"custody.signed-checkpoint/v1","body":"custody.checkpoint/v1\ntenant acme\nsize 5\nroot dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\nprevious 80101a122c0210ee0f97b0312abf36a38ffeeae285464abf838237499d095f9d\ntime 2024-05-01T10:00:00.000Z\nretain-until 2031-05-01T12:00:00.000Z","signatures":[{"keyId":"ed25519:65b60673d6ed884b","algorithm":"ed25519","signature":"Sqn2S1NzRls6oBvrIyjJd0LVMUgggVbfMC5adKthyCSWp2OqcjyAlfT75yznvw0fN9dBOVqLJ+VAHNfz4MeTDw=="}]}`
)

func seedKey() ed25519.PrivateKey {
	seed := make([]byte, 32)
	for i := range seed {
		seed[i] = byte(i + 1)
	}
	return ed25519.NewKeyFromSeed(seed)
}

func TestCheckpointVectorsFromTypeScript(t *testing.T) {
	priv := seedKey()
	pub := priv.Public().(ed25519.PublicKey)
	if got := base64.StdEncoding.EncodeToString(pub); got != tsSeedPublicKey {
		t.Fatalf("public key %s, want %s", got, tsSeedPublicKey)
	}
	key, err := publicKeyFromBase64(tsSeedPublicKey)
	if err != nil || key.KeyID != tsSeedKeyID {
		t.Fatalf("key id %s (%v), want %s", key.KeyID, err, tsSeedKeyID)
	}
	cp1, err := parseSignedCheckpoint([]byte(tsCheckpoint1))
	if err != nil {
		t.Fatal(err)
	}
	body, err := parseCheckpoint(cp1.Body)
	if err != nil {
		t.Fatal(err)
	}
	if body.Tenant != "acme" || body.Size != 3 || body.Previous != "" || body.Counts["whatsapp message"] != 2 || body.Counts["- audit"] != 1 {
		t.Errorf("parsed %+v", body)
	}
	if got := verifiedSigners(cp1, []publicKey{key}); len(got) != 1 || got[0] != tsSeedKeyID {
		t.Errorf("signers %v", got)
	}
	// Ed25519 is deterministic: Go signs the body to the very signature Node made
	if got := base64.StdEncoding.EncodeToString(ed25519.Sign(priv, []byte(cp1.Body))); got != cp1.Signatures[0].Signature {
		t.Errorf("signature %s, want %s", got, cp1.Signatures[0].Signature)
	}
	if got := checkpointHash(cp1.Body); got != tsCheckpoint1Hash {
		t.Errorf("body hash %s, want %s", got, tsCheckpoint1Hash)
	}
	cp2, _ := parseSignedCheckpoint([]byte(tsCheckpoint2))
	body2, err := parseCheckpoint(cp2.Body)
	if err != nil || body2.Previous != tsCheckpoint1Hash || len(body2.Counts) != 0 {
		t.Errorf("second checkpoint %+v %v", body2, err)
	}
	if len(verifiedSigners(cp2, []publicKey{key})) != 1 {
		t.Error("second checkpoint not verified")
	}
	// another key, a key with the right id but other bytes, an altered body: nothing verifies
	other, _ := publicKeyFromBase64(base64.StdEncoding.EncodeToString(make([]byte, 32)))
	if len(verifiedSigners(cp1, []publicKey{other})) != 0 {
		t.Error("verified by another key")
	}
	impostor := publicKey{KeyID: tsSeedKeyID, Key: other.Key}
	if len(verifiedSigners(cp1, []publicKey{impostor})) != 0 {
		t.Error("verified by a key that only has the right id")
	}
	altered := *cp1
	altered.Body = strings.Replace(cp1.Body, "size 3", "size 4", 1)
	if len(verifiedSigners(&altered, []publicKey{key})) != 0 {
		t.Error("an altered body verifies")
	}
}

func TestParseCheckpointIsStrict(t *testing.T) {
	cp, _ := parseSignedCheckpoint([]byte(tsCheckpoint1))
	for name, change := range map[string][2]string{
		"format":         {"custody.checkpoint/v1", "custody.checkpoint/v2"},
		"trailing line":  {"message 2", "message 2\n"},
		"size zeros":     {"size 3", "size 03"},
		"upper root":     {"root dddd", "root DDDD"},
		"previous":       {"previous none", "previous nothing"},
		"time":           {"time 2024-05-01T10:00:00.000Z", "time 2024-05-01T10:00:00.0Z"},
		"retain-until":   {"retain-until 2031", "retain_until 2031"},
		"tenant space":   {"tenant acme", "tenant ac\u00a0me"},
		"count":          {"count - audit 1", "count audit 1"},
		"count n":        {"count - audit 1", "count - audit x"},
		"order of lines": {"tenant acme\nsize 3", "size 3\ntenant acme"},
	} {
		if _, err := parseCheckpoint(strings.Replace(cp.Body, change[0], change[1], 1)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for name, doc := range map[string]string{
		"schema":        strings.Replace(tsCheckpoint1, "signed-checkpoint/v1", "signed-checkpoint/v2", 1),
		"no signatures": `{"schema":"custody.signed-checkpoint/v1","body":"x","signatures":[]}`,
		"extra member":  strings.Replace(tsCheckpoint1, `"schema"`, `"x":1,"schema"`, 1),
		"algorithm":     strings.Replace(tsCheckpoint1, `"ed25519","signature"`, `"rsa","signature"`, 1),
		"not JSON":      tsCheckpoint1[:40],
	} {
		if _, err := parseSignedCheckpoint([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
