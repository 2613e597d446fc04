// Package registry is how both offline-kit and align --check-registry talk
// to OCI registries: one set of options (credentials from the docker config
// and Helm's --registry-config, a CA file, plain HTTP for a loopback or lab
// mirror, timeouts, bounded parallelism) turned into go-containerregistry
// options, and Head — exactly one HEAD request per reference, with the
// credentials sent up front, so that checking 200 pins costs 200 requests.
package registry
