package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// problem is one thing found wrong, named by the object it concerns (docs/verification.md §6).
type problem struct {
	Kind      string  `json:"kind"`
	Key       string  `json:"key,omitempty"`
	VersionID string  `json:"versionId,omitempty"`
	Sequence  *uint64 `json:"sequence,omitempty"`
	Detail    string  `json:"detail"`
}

type problems []problem

func (ps *problems) add(kind, key, versionID string, sequence *uint64, format string, args ...any) {
	*ps = append(*ps, problem{Kind: kind, Key: key, VersionID: versionID, Sequence: sequence, Detail: fmt.Sprintf(format, args...)})
}

func seq(n uint64) *uint64 { return &n }

// writeProblems writes `<kind> <key>: <detail>` lines after a count per kind.
func writeProblems(w io.Writer, ps problems) {
	byKind := map[string]int{}
	for _, p := range ps {
		byKind[p.Kind]++
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	if len(kinds) > 0 {
		parts := make([]string, 0, len(kinds))
		for _, k := range kinds {
			parts = append(parts, fmt.Sprintf("%s %d", k, byKind[k]))
		}
		fmt.Fprintf(w, "problems: %s\n", strings.Join(parts, ", "))
	}
	for _, p := range ps {
		key := p.Key
		if key == "" {
			key = "-"
		}
		version := ""
		if p.VersionID != "" && !strings.Contains(p.Detail, p.VersionID) {
			version = " [version " + p.VersionID + "]"
		}
		fmt.Fprintf(w, "%s %s: %s%s\n", p.Kind, key, p.Detail, version)
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
