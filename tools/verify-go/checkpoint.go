package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

/*
 * Signed checkpoints (docs/verification.md §5): a text body, parsed strictly, and Ed25519
 * signatures over its UTF-8 bytes by keys named `ed25519:<first 16 hex of SHA-256(raw key)>`.
 */

const checkpointFormat = "custody.checkpoint/v1"

type checkpointBody struct {
	Tenant      string
	Size        uint64
	Root        string
	Previous    string // "" for none
	Time        string
	RetainUntil string
	Counts      map[string]uint64
}

type signature struct {
	KeyID     string
	Algorithm string
	Signature string
}

type signedCheckpoint struct {
	Body       string
	Signatures []signature
}

type publicKey struct {
	KeyID string
	Key   ed25519.PublicKey
}

func keyIDOf(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "ed25519:" + hex.EncodeToString(sum[:])[:16]
}

// decodeBase64 reads base64 as leniently as Node's Buffer.from(s, 'base64'): padding optional, URL alphabet too.
func decodeBase64(s string) ([]byte, error) {
	var last error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err == nil {
			return b, nil
		}
		last = err
	}
	return nil, last
}

func publicKeyFromBase64(s string) (publicKey, error) {
	raw, err := decodeBase64(strings.TrimSpace(s))
	if err != nil {
		return publicKey{}, fmt.Errorf("a public key is base64: %v", err)
	}
	if len(raw) != ed25519.PublicKeySize {
		return publicKey{}, fmt.Errorf("an Ed25519 public key is 32 bytes, this one is %d", len(raw))
	}
	return publicKey{KeyID: keyIDOf(raw), Key: ed25519.PublicKey(raw)}, nil
}

func checkpointHash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

var (
	cpSize     = regexp.MustCompile(`^(0|[1-9]\d{0,15})$`)
	cpRoot     = regexp.MustCompile(`^[0-9a-f]{64}$`)
	cpPrevious = regexp.MustCompile(`^([0-9a-f]{64}|none)$`)
	cpTime     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$`)
	cpCount    = regexp.MustCompile(`^count (\S+ \S+) (0|[1-9]\d{0,15})$`)
)

// isJSSpace is JavaScript's \s: what a checkpoint token may not contain.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

func isToken(s string) bool {
	return s != "" && strings.IndexFunc(s, isJSSpace) < 0
}

// parseCheckpoint reads a checkpoint body; anything but the format of §5 is not a checkpoint.
func parseCheckpoint(text string) (*checkpointBody, error) {
	lines := strings.Split(text, "\n")
	if lines[0] != checkpointFormat {
		return nil, fmt.Errorf("not a %s body", checkpointFormat)
	}
	field := func(i int, name string, valid func(string) bool) (string, error) {
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		value, ok := strings.CutPrefix(line, name+" ")
		if !ok || !valid(value) {
			return "", fmt.Errorf("checkpoint line %d: expected %q, got %q", i+1, name+" …", clip(line, 80))
		}
		return value, nil
	}
	body := &checkpointBody{Counts: map[string]uint64{}}
	var err error
	if body.Tenant, err = field(1, "tenant", isToken); err != nil {
		return nil, err
	}
	size, err := field(2, "size", cpSize.MatchString)
	if err != nil {
		return nil, err
	}
	body.Size, _ = strconv.ParseUint(size, 10, 64)
	if body.Root, err = field(3, "root", cpRoot.MatchString); err != nil {
		return nil, err
	}
	if body.Previous, err = field(4, "previous", cpPrevious.MatchString); err != nil {
		return nil, err
	}
	if body.Previous == "none" {
		body.Previous = ""
	}
	if body.Time, err = field(5, "time", cpTime.MatchString); err != nil {
		return nil, err
	}
	if body.RetainUntil, err = field(6, "retain-until", cpTime.MatchString); err != nil {
		return nil, err
	}
	for i := 7; i < len(lines); i++ {
		m := cpCount.FindStringSubmatch(lines[i])
		if m == nil || !isToken(strings.Replace(m[1], " ", "", 1)) {
			return nil, fmt.Errorf("checkpoint line %d: expected \"count <channel> <type> <n>\", got %q", i+1, clip(lines[i], 80))
		}
		n, _ := strconv.ParseUint(m[2], 10, 64)
		body.Counts[m[1]] = n
	}
	return body, nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

var signedCheckpointMembers = map[string]bool{"schema": true, "body": true, "signatures": true}
var signatureMembers = map[string]bool{"keyId": true, "algorithm": true, "signature": true}

// parseSignedCheckpoint reads the stored checkpoint object {schema, body, signatures}, strictly.
func parseSignedCheckpoint(b []byte) (*signedCheckpoint, error) {
	v, err := parseJSON(b)
	if err != nil {
		return nil, err
	}
	if v.kind != jsonObject {
		return nil, fmt.Errorf("not a JSON object")
	}
	if err := onlyMembers(v, signedCheckpointMembers); err != nil {
		return nil, err
	}
	if schema, err := stringMember(v, "schema"); err != nil || schema != "custody.signed-checkpoint/v1" {
		return nil, fmt.Errorf("schema: expected custody.signed-checkpoint/v1")
	}
	cp := &signedCheckpoint{}
	if cp.Body, err = stringMember(v, "body"); err != nil {
		return nil, err
	}
	sigs := v.get("signatures")
	if sigs == nil || sigs.kind != jsonArray || len(sigs.array) == 0 {
		return nil, fmt.Errorf("signatures: expected at least one")
	}
	for i, s := range sigs.array {
		if s.kind != jsonObject {
			return nil, fmt.Errorf("signatures[%d]: not an object", i)
		}
		if err := onlyMembers(s, signatureMembers); err != nil {
			return nil, fmt.Errorf("signatures[%d]: %v", i, err)
		}
		var sig signature
		if sig.KeyID, err = stringMember(s, "keyId"); err != nil {
			return nil, fmt.Errorf("signatures[%d]: %v", i, err)
		}
		if sig.Algorithm, err = stringMember(s, "algorithm"); err != nil || sig.Algorithm != "ed25519" {
			return nil, fmt.Errorf("signatures[%d]: algorithm: expected ed25519", i)
		}
		if sig.Signature, err = stringMember(s, "signature"); err != nil {
			return nil, fmt.Errorf("signatures[%d]: %v", i, err)
		}
		cp.Signatures = append(cp.Signatures, sig)
	}
	return cp, nil
}

// verifiedSigners lists the key ids of the signatures a trusted key verifies.
func verifiedSigners(cp *signedCheckpoint, trusted []publicKey) []string {
	out := []string{}
	for _, s := range cp.Signatures {
		for _, k := range trusted {
			if k.KeyID != s.KeyID {
				continue
			}
			sig, err := decodeBase64(s.Signature)
			if err == nil && ed25519.Verify(k.Key, []byte(cp.Body), sig) {
				out = append(out, s.KeyID)
				break
			}
		}
	}
	return out
}

func signatureKeyIDs(cp *signedCheckpoint) string {
	ids := make([]string, 0, len(cp.Signatures))
	for _, s := range cp.Signatures {
		ids = append(ids, s.KeyID)
	}
	return strings.Join(ids, ", ")
}
