package helmx

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"

	"helm.sh/helm/v3/pkg/release"
)

var gzipMagic = []byte{0x1f, 0x8b, 0x08}

// systemLabels are the labels Helm's drivers set themselves; the rest of an
// object's labels are the release's own (helm --labels).
var systemLabels = map[string]bool{"name": true, "owner": true, "status": true, "version": true, "createdAt": true, "modifiedAt": true}

// Decode turns a stored "release" value (base64 of gzipped JSON, or of plain
// JSON for releases stored before Helm compressed them) into a release.
func Decode(data []byte) (*release.Release, error) {
	b := make([]byte, base64.StdEncoding.DecodedLen(len(data)))
	n, err := base64.StdEncoding.Decode(b, data)
	if err != nil {
		return nil, fmt.Errorf("decode release: %w", err)
	}
	b = b[:n]
	if len(b) > 3 && bytes.Equal(b[:3], gzipMagic) {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("decode release: %w", err)
		}
		defer zr.Close()
		if b, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("decode release: %w", err)
		}
	}
	var r release.Release
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode release: %w", err)
	}
	return &r, nil
}

// Encode stores r exactly as Helm's Secret and ConfigMap drivers do.
func Encode(r *release.Release) ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode release: %w", err)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("encode release: %w", err)
	}
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("encode release: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode release: %w", err)
	}
	out := make([]byte, base64.StdEncoding.EncodedLen(buf.Len()))
	base64.StdEncoding.Encode(out, buf.Bytes())
	return out, nil
}

// userLabels keeps the release's own labels, dropping Helm's system ones.
func userLabels(l map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range l {
		if !systemLabels[k] {
			out[k] = v
		}
	}
	return out
}
