// Package channel reads the channels file (docs/channels.md): per channel
// the release manifest, Helm values and compose targets (with env files),
// chart, ignored repositories, promotion source, components a profile does
// not deploy, registry maps, smoke suite — and the compatibility matrix of
// allowed tags and required pins per component. Paths are resolved against
// the channels file's directory at load time.
package channel
