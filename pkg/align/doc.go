// Package align is the align operation of helm-stella, in the style of
// helm's pkg/action: an Align struct of options and Run(ctx) returning a
// Result. Data flows one way: files in → findings (pure) → fix plan (pure)
// → atomic writes → Result. It compares a release manifest with Helm values
// and compose targets, checks the compatibility matrix of the channels
// file, optionally lints and renders charts through the Helm SDK, and with
// Fix rewrites digests surgically, all files or none.
package align
