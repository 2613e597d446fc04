// Package cli is the cobra scaffolding both binaries share: the root command's
// settings (silenced usage, one-line invalid-input errors), argument checks,
// the version and hidden docs-generation commands and the -o flag. It lives
// outside pkg/, which never imports cobra; each binary keeps only its own
// wiring (flags, client construction, one file per command).
package cli
