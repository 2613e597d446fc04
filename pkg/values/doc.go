// Package values finds image references in Helm values files, with their
// yaml.v3 node positions: plain strings ("repo:tag@sha256:…") under image
// keys or anywhere when pinned by digest, and the common map conventions
// {registry?, repository, tag?, digest?} (Bitnami), {registry?, image, tag?,
// digest?} (ingress-nginx) and {repository, tag: "1.2@sha256:…"}, with
// global.imageRegistry applied to map-style images. Pin computes surgical
// byte-range edits that re-pin one image for --fix.
package values
