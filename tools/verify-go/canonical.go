package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

/*
 * Canonical JSON (docs/verification.md §6 step 3, the envelope contract): members sorted by name in
 * UTF-16 code unit order, no whitespace, strings and numbers written exactly as JavaScript's
 * JSON.stringify writes them. The integrity hash of an envelope is the SHA-256 of the canonical JSON
 * of the envelope without its top-level `integrity` member.
 */

// canonicalJSON writes v as the reference canonicalJson(JSON.parse(bytes)) does, UTF-8 encoded.
func canonicalJSON(v *jsonValue) ([]byte, error) {
	var b strings.Builder
	if err := writeCanonical(&b, v); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

func writeCanonical(b *strings.Builder, v *jsonValue) error {
	switch v.kind {
	case jsonNull:
		b.WriteString("null")
	case jsonBool:
		if v.boolean {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case jsonNumber:
		s, err := jsNumber(v.number)
		if err != nil {
			return err
		}
		b.WriteString(s)
	case jsonString:
		writeJSString(b, v.str)
	case jsonArray:
		b.WriteByte('[')
		for i, item := range v.array {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeCanonical(b, item); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case jsonObject:
		members := append([]jsonMember(nil), v.members...)
		sort.SliceStable(members, func(i, j int) bool { return compareUnits(members[i].name, members[j].name) < 0 })
		b.WriteByte('{')
		for i, m := range members {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSString(b, m.name)
			b.WriteByte(':')
			if err := writeCanonical(b, m.value); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	}
	return nil
}

// compareUnits orders strings as JavaScript's default sort does: by UTF-16 code unit.
func compareUnits(a, b []uint16) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

const hexDigits = "0123456789abcdef"

// writeJSString writes a string as JSON.stringify does (ES2019 well-formed JSON.stringify).
func writeJSString(b *strings.Builder, s []uint16) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		u := s[i]
		switch {
		case u == '"':
			b.WriteString(`\"`)
		case u == '\\':
			b.WriteString(`\\`)
		case u == '\b':
			b.WriteString(`\b`)
		case u == '\f':
			b.WriteString(`\f`)
		case u == '\n':
			b.WriteString(`\n`)
		case u == '\r':
			b.WriteString(`\r`)
		case u == '\t':
			b.WriteString(`\t`)
		case u < 0x20 || (u >= 0xD800 && u <= 0xDFFF):
			if u >= 0xD800 && u <= 0xDBFF && i+1 < len(s) && s[i+1] >= 0xDC00 && s[i+1] <= 0xDFFF {
				b.WriteRune(utf16.DecodeRune(rune(u), rune(s[i+1])))
				i++
				continue
			}
			// a control character or a lone surrogate: \u00xx / \udxxx, lower-case hex
			b.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				b.WriteByte(hexDigits[(u>>uint(shift))&0xF])
			}
		case u < utf8.RuneSelf:
			b.WriteByte(byte(u))
		default:
			b.WriteRune(rune(u))
		}
	}
	b.WriteByte('"')
}

// jsNumber formats a double as JavaScript's Number#toString (ECMA-262 Number::toString, radix 10).
func jsNumber(f float64) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", errors.New("non-finite number in canonical JSON")
	}
	if f == 0 {
		return "0", nil // -0 too
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	// the shortest digits that read back as f, as d.ddde±x
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mantissa, expText, _ := strings.Cut(e, "e")
	digits := strings.Replace(mantissa, ".", "", 1)
	exp, err := strconv.Atoi(expText)
	if err != nil {
		return "", err
	}
	k := len(digits)
	n := exp + 1 // the decimal point sits after n digits
	var out string
	switch {
	case k <= n && n <= 21:
		out = digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		out = digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		out = "0." + strings.Repeat("0", -n) + digits
	default:
		x := n - 1
		expSign := "+"
		if x < 0 {
			expSign, x = "-", -x
		}
		if k == 1 {
			out = digits + "e" + expSign + strconv.Itoa(x)
		} else {
			out = digits[:1] + "." + digits[1:] + "e" + expSign + strconv.Itoa(x)
		}
	}
	return sign + out, nil
}

// integrityHash is the envelope integrity hash: SHA-256 (hex) of the canonical JSON of the envelope without `integrity`.
func integrityHash(envelope *jsonValue) (string, error) {
	if envelope.kind != jsonObject {
		return "", errors.New("the envelope is not a JSON object")
	}
	rest := &jsonValue{kind: jsonObject}
	for _, m := range envelope.members {
		if !unitsEqualASCII(m.name, "integrity") {
			rest.members = append(rest.members, m)
		}
	}
	c, err := canonicalJSON(rest)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:]), nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
