package main

import (
	"math"
	"testing"
)

// Inputs, canonicalJson(JSON.parse(input)) and integrityHash(JSON.parse(input)) as computed by
// @custody/envelope (packages/envelope/dist) under Node 22.
var canonicalVectors = []struct{ input, canonical, integrity string }{
	{"{\"b\":1,\"a\":2}", "{\"a\":2,\"b\":1}", "d3626ac30a87e6f7a6428233b3c68299976865fa5508e4267c5415c76af7a772"},
	{" { \"z\" : [ 1 , 2 , { \"y\" : null , \"x\" : true } ] , \"a\" : false } ", "{\"a\":false,\"z\":[1,2,{\"x\":true,\"y\":null}]}", "132bf380bc00913b9541695abd9511737d962681d362bd2685c60d8a1da2aa34"},
	{"{\"text\":\"<script>&amp; \\u2028\\u2029 caf\\u00e9 \\/ \\\"q\\\" \\\\ tab\\t nl\\n cr\\r bs\\b ff\\f \\u0000\\u001f\\u007f\\u0080\"}", "{\"text\":\"<script>&amp; \xe2\x80\xa8\xe2\x80\xa9 caf\xc3\xa9 / \\\"q\\\" \\\\ tab\\t nl\\n cr\\r bs\\b ff\\f \\u0000\\u001f\x7f\xc2\x80\"}", "a137af7241e113c356bb2caa5e0df9672ad3dcc2e42af7ddaba51178cb5a45e2"},
	{"{\"raw\":\"\xc3\xa9\xf0\x9f\x98\x80\xe2\x80\xa8<>&\x7f\"}", "{\"raw\":\"\xc3\xa9\xf0\x9f\x98\x80\xe2\x80\xa8<>&\x7f\"}", "5dcf25242a5f3e71c2280f4a4f313f5fa3255c677b6c01812e825d39c467a1dc"},
	{"{\"lone\":\"\\ud800 x \\udfff \\ud83d\\ude00 \\uDBFF\"}", "{\"lone\":\"\\ud800 x \\udfff \xf0\x9f\x98\x80 \\udbff\"}", "4e501cac3f5479c8387b916020140180e579212b1253d1d4ae559d04b76774e6"},
	{"{\"B\":1,\"a\":2,\"A\":3,\"b\":4,\"\":5,\"aa\":6,\"a\\u0000\":7,\"\\uffff\":8,\"\xf0\x9f\x98\x80\":9,\"\\ud800\":10,\"\xc3\xa9\":11,\"10\":12,\"9\":13,\"__proto__\":14}", "{\"\":5,\"10\":12,\"9\":13,\"A\":3,\"B\":1,\"__proto__\":14,\"a\":2,\"a\\u0000\":7,\"aa\":6,\"b\":4,\"\xc3\xa9\":11,\"\\ud800\":10,\"\xf0\x9f\x98\x80\":9,\"\xef\xbf\xbf\":8}", "10109f3c21b2081f09ca2181df000841b7b2ec033e01d33e3ce586685db9b071"},
	{"{\"dup\":1,\"dup\":2,\"x\":{\"dup\":[1],\"dup\":{\"k\":\"v\"}}}", "{\"dup\":2,\"x\":{\"dup\":{\"k\":\"v\"}}}", "1748105859ed55f754ecc12866395fd984051d540bd9318111398473aab2eb6f"},
	{"{\"n\":[0,-0,1.0,1e21,1e20,123456789012345678901234,0.1,1e-7,0.000001,1.5e-7,-1.25E+3,5e-324,1.7976931348623157e308,9007199254740993,100,1E2,0.30000000000000004,2e-308,4.35,1e-400]}", "{\"n\":[0,0,1,1e+21,100000000000000000000,1.2345678901234569e+23,0.1,1e-7,0.000001,1.5e-7,-1250,5e-324,1.7976931348623157e+308,9007199254740992,100,100,0.30000000000000004,2e-308,4.35,0]}", "3104556946ba8ccbe80c45fca5aaf06d3eded429647d8403ecb0ef57ee4afa82"},
	{"[]", "[]", ""},
	{"{}", "{}", "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
	{"\"str\"", "\"str\"", ""},
	{"12.50", "12.5", ""},
	{"null", "null", ""},
	{"[[],{},[{}]]", "[[],{},[{}]]", ""},
	{"{\"integrity\":{\"sha256\":\"x\"},\"id\":\"r1\",\"nested\":{\"integrity\":\"kept\"}}", "{\"id\":\"r1\",\"integrity\":{\"sha256\":\"x\"},\"nested\":{\"integrity\":\"kept\"}}", "bd3484bb36557f2cfbe46180c59f5353f4d2f5113c2f299576d9f3cc1e4b9a71"},
	// invalid UTF-8: every maximal invalid subsequence is one U+FFFD, as Node decodes it
	{"{\"b\":\"\xe2\x82A\xff\xc0\xaf\xed\xa0\x80\xf0\x9f\x98\"}", "{\"b\":\"\xef\xbf\xbdA\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}", "69eab229925b199ff1dc67f547e324e703d3a7a27208d52adf06e8817cdf97e3"},
}

func TestCanonicalJSONMatchesTypeScript(t *testing.T) {
	for _, c := range canonicalVectors {
		v, err := parseJSON([]byte(c.input))
		if err != nil {
			t.Fatalf("%q: %v", c.input, err)
		}
		got, err := canonicalJSON(v)
		if err != nil {
			t.Fatalf("%q: %v", c.input, err)
		}
		if string(got) != c.canonical {
			t.Errorf("canonical JSON of %q:\n got %q\nwant %q", c.input, got, c.canonical)
		}
		if c.integrity == "" {
			if _, err := integrityHash(v); err == nil {
				t.Errorf("%q: an integrity hash of a non-object", c.input)
			}
			continue
		}
		if got, err := integrityHash(v); err != nil || got != c.integrity {
			t.Errorf("integrity hash of %q: %s (%v), want %s", c.input, got, err, c.integrity)
		}
	}
}

// What JSON.parse refuses, and what it accepts that looks odd.
func TestParseJSONAsJavaScript(t *testing.T) {
	for _, bad := range []string{"", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "-", "1e", "NaN", "Infinity", "'x'", "\"\t\"", "\"\\x41\"", "\"\\u12\"",
		"\xef\xbb\xbf{}", "{} {}", "{\"a\" 1}", "[1 2]", "tru", "nul", "\"\\ud800", "{\"a\":1}x", "\x0b1", "1e400"} {
		v, err := parseJSON([]byte(bad))
		if bad == "1e400" {
			// JSON.parse gives Infinity; canonical JSON refuses it
			if err != nil || !math.IsInf(v.number, 1) {
				t.Errorf("1e400: %v %v", v, err)
			} else if _, err := canonicalJSON(v); err == nil {
				t.Error("canonical JSON of Infinity")
			}
			continue
		}
		if err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	for _, good := range []string{"\t\r\n 1 \n", "-0", "1E+2", "0.5e-3", "\"\\/\"", "{\"\":\"\"}", "[[[[[]]]]]"} {
		if _, err := parseJSON([]byte(good)); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
}

func TestJSNumber(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0", 1: "1", -1: "-1", 0.5: "0.5", 123e-20: "1.23e-18", 1e21: "1e+21", 999999999999999999999: "1e+21",
		123456789012345680000: "123456789012345680000", 1e-6: "0.000001", 1.234e-7: "1.234e-7", -1e-7: "-1e-7",
		math.MaxFloat64: "1.7976931348623157e+308", math.SmallestNonzeroFloat64: "5e-324", 1 / 3.0: "0.3333333333333333",
		100: "100", 1.5e300: "1.5e+300", 4294967296.5: "4294967296.5",
	} {
		if got, err := jsNumber(f); err != nil || got != want {
			t.Errorf("jsNumber(%v) = %q (%v), want %q", f, got, err, want)
		}
	}
	if got, _ := jsNumber(math.Copysign(0, -1)); got != "0" {
		t.Errorf("-0 is %q", got)
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := jsNumber(f); err == nil {
			t.Errorf("jsNumber(%v) did not fail", f)
		}
	}
}

// A real envelope shape: the integrity hash excludes only the top-level integrity member.
func TestIntegrityHashIgnoresOnlyTopLevelIntegrity(t *testing.T) {
	a, _ := parseJSON([]byte(`{"id":"x","content":{"text":"hi","integrity":1},"integrity":{"sha256":"aa"}}`))
	b, _ := parseJSON([]byte(`{"content":{"integrity":1,"text":"hi"},"id":"x"}`))
	c, _ := parseJSON([]byte(`{"content":{"integrity":2,"text":"hi"},"id":"x"}`))
	ha, _ := integrityHash(a)
	hb, _ := integrityHash(b)
	hc, _ := integrityHash(c)
	if ha != hb || ha == hc {
		t.Errorf("integrity hashes %s %s %s", ha, hb, hc)
	}
}
