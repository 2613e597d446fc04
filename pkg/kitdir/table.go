package kitdir

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// ImagesResult is what an offline-kit images run did.
type ImagesResult struct {
	Manifest *Manifest `json:"manifest"`
	Copied   []string  `json:"copied"`  // components fetched (some blobs were missing), sorted
	Present  []string  `json:"present"` // components already complete in the kit (no request made), sorted
	Bytes    int64     `json:"bytes"`   // bytes downloaded by this run
}

// WriteImagesTable is the table of an images run (-o table and wide): one
// row per image, then the counts.
func WriteImagesTable(w io.Writer, res *ImagesResult) error {
	t := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0) // as output.NewTable
	fmt.Fprintln(t, strings.Join([]string{"COMPONENT", "DIGEST", "SIZE", "REFERENCE"}, "\t"))
	for _, img := range res.Manifest.Images {
		fmt.Fprintln(t, strings.Join([]string{img.Component, img.Digest, Bytes(img.Size), img.Reference}, "\t"))
	}
	if err := t.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d image(s): %d copied, %d already present; %s downloaded; %d file(s)\n",
		len(res.Manifest.Images), len(res.Copied), len(res.Present), Bytes(res.Bytes), len(res.Manifest.Files))
	return err
}

// Bytes renders n bytes for people: 512 B, 1.5 KiB, 200.0 MiB.
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for v := n / unit; v >= unit && exp < 3; v /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGT"[exp])
}
