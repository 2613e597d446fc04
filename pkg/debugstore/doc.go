// Package debugstore mirrors a release's GNU build-id debug store
// (debug/.build-id/xx/yyyy.debug) into an offline kit and describes it in
// metadata/debug-store.json (runbook §2.4). Every file is read with the
// standard library's ELF reader: its NT_GNU_BUILD_ID note must match the
// build ID its path names, and files that are not ELF are refused. The scan
// is pure over the release tree (Scan → Store, refusals); Mirror applies it
// to the kit atomically and idempotently; Verify re-hashes a kit's store.
package debugstore
