package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
)

/*
 * JSON exactly as JavaScript reads it: Node decodes the bytes as UTF-8 (WHATWG: every maximal
 * invalid subsequence becomes one U+FFFD), then JSON.parse builds strings of UTF-16 code units
 * (lone surrogates kept), numbers as IEEE doubles, and objects where a repeated member name keeps
 * its first place and its last value. encoding/json differs on each of these points, so values are
 * parsed here, and canonical.go writes them back as JSON.stringify would.
 */

type jsonKind int

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

type jsonMember struct {
	name  []uint16
	value *jsonValue
}

type jsonValue struct {
	kind    jsonKind
	boolean bool
	number  float64
	str     []uint16
	array   []*jsonValue
	members []jsonMember
}

// get returns the object member called name (ASCII names only), or nil.
func (v *jsonValue) get(name string) *jsonValue {
	if v == nil || v.kind != jsonObject {
		return nil
	}
	for _, m := range v.members {
		if unitsEqualASCII(m.name, name) {
			return m.value
		}
	}
	return nil
}

func unitsEqualASCII(units []uint16, s string) bool {
	if len(units) != len(s) {
		return false
	}
	for i := range units {
		if units[i] != uint16(s[i]) {
			return false
		}
	}
	return true
}

// goString is the string as Node encodes it to UTF-8: a lone surrogate becomes U+FFFD.
func (v *jsonValue) goString() string { return unitsToString(v.str) }

func unitsToString(units []uint16) string { return string(utf16.Decode(units)) }

// memberNames lists an object's member names as Go strings.
func (v *jsonValue) memberNames() []string {
	out := make([]string, 0, len(v.members))
	for _, m := range v.members {
		out = append(out, unitsToString(m.name))
	}
	return out
}

// decodeUTF8 turns bytes into UTF-16 code units as Node's Buffer#toString('utf8') does (WHATWG decoder, replacement mode).
func decodeUTF8(b []byte) []uint16 {
	out := make([]uint16, 0, len(b))
	emit := func(cp rune) {
		if cp >= 0x10000 {
			r1, r2 := utf16.EncodeRune(cp)
			out = append(out, uint16(r1), uint16(r2))
		} else {
			out = append(out, uint16(cp))
		}
	}
	needed, seen := 0, 0
	var cp rune
	lower, upper := byte(0x80), byte(0xBF)
	for i := 0; i < len(b); i++ {
		c := b[i]
		if needed == 0 {
			switch {
			case c <= 0x7F:
				emit(rune(c))
			case c >= 0xC2 && c <= 0xDF:
				needed, cp = 1, rune(c&0x1F)
			case c >= 0xE0 && c <= 0xEF:
				if c == 0xE0 {
					lower = 0xA0
				} else if c == 0xED {
					upper = 0x9F
				}
				needed, cp = 2, rune(c&0x0F)
			case c >= 0xF0 && c <= 0xF4:
				if c == 0xF0 {
					lower = 0x90
				} else if c == 0xF4 {
					upper = 0x8F
				}
				needed, cp = 3, rune(c&0x07)
			default:
				emit(0xFFFD)
			}
			continue
		}
		if c < lower || c > upper {
			needed, seen, cp = 0, 0, 0
			lower, upper = 0x80, 0xBF
			emit(0xFFFD)
			i-- // the byte starts over
			continue
		}
		lower, upper = 0x80, 0xBF
		cp = cp<<6 | rune(c&0x3F)
		seen++
		if seen == needed {
			emit(cp)
			needed, seen, cp = 0, 0, 0
		}
	}
	if needed != 0 {
		emit(0xFFFD)
	}
	return out
}

const maxJSONDepth = 5000

// parseJSON parses bytes as JSON.parse(bytes.toString('utf8')) would.
func parseJSON(b []byte) (*jsonValue, error) {
	p := &jsonParser{s: decodeUTF8(b)}
	p.space()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, p.errorf("unexpected text after the JSON value")
	}
	return v, nil
}

type jsonParser struct {
	s []uint16
	i int
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return fmt.Errorf("not JSON at position %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *jsonParser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) literal(word string) bool {
	if p.i+len(word) > len(p.s) || !unitsEqualASCII(p.s[p.i:p.i+len(word)], word) {
		return false
	}
	p.i += len(word)
	return true
}

func (p *jsonParser) value(depth int) (*jsonValue, error) {
	if depth > maxJSONDepth {
		return nil, p.errorf("nested too deeply")
	}
	if p.i >= len(p.s) {
		return nil, p.errorf("unexpected end")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.arrayValue(depth)
	case c == '"':
		s, err := p.stringUnits()
		if err != nil {
			return nil, err
		}
		return &jsonValue{kind: jsonString, str: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.numberValue()
	case p.literal("true"):
		return &jsonValue{kind: jsonBool, boolean: true}, nil
	case p.literal("false"):
		return &jsonValue{kind: jsonBool}, nil
	case p.literal("null"):
		return &jsonValue{kind: jsonNull}, nil
	}
	return nil, p.errorf("unexpected character")
}

func (p *jsonParser) object(depth int) (*jsonValue, error) {
	p.i++ // {
	v := &jsonValue{kind: jsonObject}
	index := map[string]int{}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return v, nil
	}
	for {
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, p.errorf("expected a member name")
		}
		name, err := p.stringUnits()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.errorf("expected ':'")
		}
		p.i++
		p.space()
		member, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		id := unitsKey(name)
		if at, ok := index[id]; ok {
			v.members[at].value = member // JSON.parse: the last value, in the first one's place
		} else {
			index[id] = len(v.members)
			v.members = append(v.members, jsonMember{name: name, value: member})
		}
		p.space()
		if p.i >= len(p.s) {
			return nil, p.errorf("unexpected end in an object")
		}
		if p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.s[p.i] == '}' {
			p.i++
			return v, nil
		}
		return nil, p.errorf("expected ',' or '}'")
	}
}

func unitsKey(units []uint16) string {
	b := make([]byte, 2*len(units))
	for i, u := range units {
		b[2*i], b[2*i+1] = byte(u>>8), byte(u)
	}
	return string(b)
}

func (p *jsonParser) arrayValue(depth int) (*jsonValue, error) {
	p.i++ // [
	v := &jsonValue{kind: jsonArray, array: []*jsonValue{}}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return v, nil
	}
	for {
		p.space()
		item, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.array = append(v.array, item)
		p.space()
		if p.i >= len(p.s) {
			return nil, p.errorf("unexpected end in an array")
		}
		if p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.s[p.i] == ']' {
			p.i++
			return v, nil
		}
		return nil, p.errorf("expected ',' or ']'")
	}
}

func hexValue(u uint16) (uint16, bool) {
	switch {
	case u >= '0' && u <= '9':
		return u - '0', true
	case u >= 'a' && u <= 'f':
		return u - 'a' + 10, true
	case u >= 'A' && u <= 'F':
		return u - 'A' + 10, true
	}
	return 0, false
}

func (p *jsonParser) stringUnits() ([]uint16, error) {
	p.i++ // "
	out := []uint16{}
	for {
		if p.i >= len(p.s) {
			return nil, p.errorf("unterminated string")
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return out, nil
		case c < 0x20:
			return nil, p.errorf("control character in a string")
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return nil, p.errorf("unterminated escape")
			}
			e := p.s[p.i+1]
			p.i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				if p.i+4 > len(p.s) {
					return nil, p.errorf("short \\u escape")
				}
				var u uint16
				for _, h := range p.s[p.i : p.i+4] {
					d, ok := hexValue(h)
					if !ok {
						return nil, p.errorf("bad \\u escape")
					}
					u = u<<4 | d
				}
				p.i += 4
				out = append(out, u)
			default:
				return nil, p.errorf("bad escape")
			}
		default:
			out = append(out, c)
			p.i++
		}
	}
}

func (p *jsonParser) numberValue() (*jsonValue, error) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.s[p.i] == '-' {
		p.i++
	}
	if p.i < len(p.s) && p.s[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return nil, p.errorf("bad number")
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, p.errorf("bad number")
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.errorf("bad number")
		}
	}
	literal := make([]byte, p.i-start)
	for k, u := range p.s[start:p.i] {
		literal[k] = byte(u)
	}
	f, err := strconv.ParseFloat(string(literal), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, p.errorf("bad number %s", literal)
	}
	// JSON.parse gives ±Infinity past the largest double and 0 below the smallest; ParseFloat agrees
	if math.IsNaN(f) {
		return nil, p.errorf("bad number %s", literal)
	}
	return &jsonValue{kind: jsonNumber, number: f}, nil
}
