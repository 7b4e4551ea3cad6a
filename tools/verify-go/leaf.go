package main

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

/*
 * Leaves (docs/verification.md §2): what the log names about one stored version, and the bytes its
 * leaf hash covers: `custody.leaf/v1` and the ten fields, one per line, `\n`-separated, no trailing
 * newline.
 */

const leafFormat = "custody.leaf/v1"

type leaf struct {
	Sequence       uint64 `json:"sequence"`
	Kind           string `json:"kind"`
	ID             string `json:"id"`
	Key            string `json:"key"`
	VersionID      string `json:"versionId"`
	SHA256         string `json:"sha256"`
	EnvelopeSHA256 string `json:"envelopeSha256"`
	Channel        string `json:"channel"`
	Type           string `json:"type"`
	RetainUntil    string `json:"retainUntil"`
}

func leafBytes(l *leaf) []byte {
	return []byte(strings.Join([]string{
		leafFormat, strconv.FormatUint(l.Sequence, 10), l.Kind, l.ID, l.Key, l.VersionID,
		l.SHA256, l.EnvelopeSHA256, l.Channel, l.Type, l.RetainUntil,
	}, "\n"))
}

func leafHash(l *leaf) []byte { return hashLeaf(leafBytes(l)) }

var (
	hex64       = regexp.MustCompile(`^[0-9a-f]{64}$`)
	hex64OrNone = regexp.MustCompile(`^([0-9a-f]{64})?$`)
	// an ISO 8601 instant in UTC as the log writes it: seconds required, any fraction, `Z`
	isoInstant = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?Z$`)
)

// validInstant accepts what the reference's z.iso.datetime() accepts: a real calendar date, UTC.
func validInstant(s string) bool {
	m := isoInstant.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	year, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	day, _ := strconv.Atoi(m[3])
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	days := []int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days = 29
	}
	return day <= days
}

// parseInstant reads a validInstant string as a time (for comparing retain-until dates as instants).
func parseInstant(s string) (time.Time, bool) {
	if !validInstant(s) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// wholeNumber reads a JSON number that must be a non-negative safe integer.
func wholeNumber(v *jsonValue) (uint64, bool) {
	if v == nil || v.kind != jsonNumber || v.number < 0 || v.number != math.Trunc(v.number) || v.number > 9007199254740991 {
		return 0, false
	}
	return uint64(v.number), true
}

var leafMembers = map[string]bool{
	"sequence": true, "kind": true, "id": true, "key": true, "versionId": true, "sha256": true,
	"envelopeSha256": true, "channel": true, "type": true, "retainUntil": true,
}

// onlyMembers fails on a member not in allowed (the reference's schemas are strict).
func onlyMembers(v *jsonValue, allowed map[string]bool) error {
	for _, name := range v.memberNames() {
		if !allowed[name] {
			return fmt.Errorf("unknown member %q", name)
		}
	}
	return nil
}

// stringMember reads a string member, or fails naming it.
func stringMember(v *jsonValue, name string) (string, error) {
	m := v.get(name)
	if m == nil || m.kind != jsonString {
		return "", fmt.Errorf("%s: expected a string", name)
	}
	return m.goString(), nil
}

// parseLeaf validates a sequenced leaf as the log writes it (every member, nothing else, no line breaks).
func parseLeaf(v *jsonValue) (*leaf, error) {
	if v == nil || v.kind != jsonObject {
		return nil, fmt.Errorf("a leaf is not an object")
	}
	if err := onlyMembers(v, leafMembers); err != nil {
		return nil, err
	}
	l := &leaf{}
	seq, ok := wholeNumber(v.get("sequence"))
	if !ok {
		return nil, fmt.Errorf("sequence: expected a non-negative integer")
	}
	l.Sequence = seq
	fields := []struct {
		name     string
		to       *string
		nonEmpty bool
	}{
		{"kind", &l.Kind, true}, {"id", &l.ID, true}, {"key", &l.Key, true}, {"versionId", &l.VersionID, true},
		{"sha256", &l.SHA256, true}, {"envelopeSha256", &l.EnvelopeSHA256, false}, {"channel", &l.Channel, false},
		{"type", &l.Type, true}, {"retainUntil", &l.RetainUntil, true},
	}
	for _, f := range fields {
		s, err := stringMember(v, f.name)
		if err != nil {
			return nil, err
		}
		if strings.ContainsAny(s, "\n\r") {
			return nil, fmt.Errorf("%s: contains a line break", f.name)
		}
		if f.nonEmpty && s == "" {
			return nil, fmt.Errorf("%s: empty", f.name)
		}
		*f.to = s
	}
	switch {
	case l.Kind != "record" && l.Kind != "audit":
		return nil, fmt.Errorf("kind: %q is neither record nor audit", l.Kind)
	case !hex64.MatchString(l.SHA256):
		return nil, fmt.Errorf("sha256: not 64 lower-case hex digits")
	case !hex64OrNone.MatchString(l.EnvelopeSHA256):
		return nil, fmt.Errorf("envelopeSha256: neither empty nor 64 lower-case hex digits")
	case !validInstant(l.RetainUntil):
		return nil, fmt.Errorf("retainUntil: %q is not an ISO 8601 UTC instant", l.RetainUntil)
	}
	return l, nil
}
