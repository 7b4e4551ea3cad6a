// Command verify-go is an independent verifier of Custody archives and export packages, written
// from docs/verification.md with the Go standard library alone.
//
//	verify-go archive --dir <copy of CUSTODY_DATA_DIR/archive> --tenant <id> --public-key <base64> [--public-key …] [--json]
//	verify-go export --package <dir or .zip> --public-key <base64> [--public-key …] [--json]
//
// Exit status: 0 verified, 1 problems found, 2 bad usage or an unreadable input.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

const usage = `usage:
  verify-go archive --dir <archive directory> --tenant <id> --public-key <base64> [--public-key …] [--json]
  verify-go export --package <dir or .zip> --public-key <base64> [--public-key …] [--json]

Verifies a copy of a Custody archive directory (docs/verification.md §6, §7) or an export package (§8).
Exit status: 0 verified, 1 problems found, 2 bad usage or an unreadable input.
`

type keyList []string

func (k *keyList) String() string     { return strings.Join(*k, ",") }
func (k *keyList) Set(v string) error { *k = append(*k, v); return nil }

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

var stderr io.Writer = os.Stderr

func warn(format string, args ...any) { fmt.Fprintf(stderr, "warning: "+format+"\n", args...) }

func run(args []string, stdout, errOut io.Writer) int {
	stderr = errOut
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(errOut, usage)
		return 2
	}
	command := args[0]
	fs := flag.NewFlagSet("verify-go "+command, flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() { fmt.Fprint(errOut, usage) }
	var keys keyList
	fs.Var(&keys, "public-key", "a trusted Ed25519 public key, base64 of its 32 raw bytes (repeatable)")
	asJSON := fs.Bool("json", false, "write the report as JSON")
	var dir, tenant, pkg *string
	switch command {
	case "archive":
		dir = fs.String("dir", "", "a copy of CUSTODY_DATA_DIR/archive (holding versions/)")
		tenant = fs.String("tenant", "", "the tenant to verify")
	case "export":
		pkg = fs.String("package", "", "an export package: its directory or its .zip")
	default:
		fmt.Fprintf(errOut, "verify-go: unknown command %q\n%s", command, usage)
		return 2
	}
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(errOut, "verify-go: unexpected argument %q\n%s", fs.Arg(0), usage)
		return 2
	}
	if len(keys) == 0 {
		fmt.Fprintf(errOut, "verify-go: at least one --public-key is required\n")
		return 2
	}
	var trusted []publicKey
	for _, k := range keys {
		pk, err := publicKeyFromBase64(k)
		if err != nil {
			fmt.Fprintf(errOut, "verify-go: --public-key %s: %v\n", k, err)
			return 2
		}
		trusted = append(trusted, pk)
	}

	if command == "archive" {
		if *dir == "" || *tenant == "" {
			fmt.Fprintf(errOut, "verify-go archive: --dir and --tenant are required\n")
			return 2
		}
		if !validTenant(*tenant) {
			fmt.Fprintf(errOut, "verify-go archive: %q is not a tenant id\n", *tenant)
			return 2
		}
		report, err := verifyArchive(*dir, *tenant, trusted)
		if err != nil {
			fmt.Fprintf(errOut, "verify-go archive: %v\n", err)
			return 2
		}
		if *asJSON {
			if err := writeJSON(stdout, report); err != nil {
				return 2
			}
		} else {
			writeArchiveSummary(stdout, report)
		}
		return exitFor(report.OK)
	}

	if *pkg == "" {
		fmt.Fprintf(errOut, "verify-go export: --package is required\n")
		return 2
	}
	report, err := verifyExport(*pkg, trusted)
	if err != nil {
		var unreadable errUnreadable
		if errors.As(err, &unreadable) {
			fmt.Fprintf(errOut, "verify-go export: %v\n", unreadable.error)
		} else {
			fmt.Fprintf(errOut, "verify-go export: %v\n", err)
		}
		return 2
	}
	if *asJSON {
		if err := writeJSON(stdout, report); err != nil {
			return 2
		}
	} else {
		writeExportSummary(stdout, report)
	}
	return exitFor(report.OK)
}

func exitFor(ok bool) int {
	if ok {
		return 0
	}
	return 1
}

// validTenant: `[a-z0-9][a-z0-9-]{0,62}`, or `_system`.
func validTenant(t string) bool {
	if t == "_system" {
		return true
	}
	if len(t) == 0 || len(t) > 63 {
		return false
	}
	for i, c := range t {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > 0) {
			return false
		}
	}
	return true
}

func writeArchiveSummary(w io.Writer, r *archiveReport) {
	status := "VERIFIED"
	if !r.OK {
		status = "FAILED"
	}
	fmt.Fprintf(w, "%s: tenant %s, %d leaves, root %s, %d checkpoints, %d versions stored\n", status, r.Tenant, r.LogSize, r.Root, r.Checkpoints, r.Stored)
	if cp := r.LatestCheckpoint; cp != nil {
		fmt.Fprintf(w, "latest checkpoint: %d leaves at %s, signed by %s; %d leaves since\n", cp.Size, cp.Time, strings.Join(cp.KeyIDs, ", "), r.Uncheckpointed)
	} else {
		fmt.Fprintf(w, "no valid checkpoint; %d leaves not yet checkpointed\n", r.Uncheckpointed)
	}
	fmt.Fprintf(w, "store: %d versions re-hashed, %d disposed by certificate; %d repeated leaves\n", r.Rehashed, r.Disposed, r.Duplicates)
	writeProblems(w, r.Problems)
}

func writeExportSummary(w io.Writer, r *exportReport) {
	status := "VERIFIED"
	if !r.OK {
		status = "FAILED"
	}
	fmt.Fprintf(w, "%s: export %s of tenant %s, %d records, %d proven, %d native records re-hashed, %d files\n", status, r.ExportID, r.Tenant, r.Records, r.Proven, r.NativeRecords, r.Files)
	if cp := r.Checkpoint; cp != nil {
		fmt.Fprintf(w, "checkpoint: %d leaves, root %s, at %s, signed by %s\n", cp.Size, cp.Root, cp.Time, strings.Join(cp.KeyIDs, ", "))
	}
	writeProblems(w, r.Problems)
}
