package bookmark

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"helm.sh/helm/v3/pkg/release"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stella-ops/stella-plugins/pkg/gitstate"
	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/identity"
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/plan"
)

// Labels, annotations, type and data keys of a bookmark Secret.
const (
	LabelManagedBy    = "app.kubernetes.io/managed-by"
	ManagedBy         = "stella"
	LabelRelease      = "stella-ops.org/bookmark-release"
	LabelRevision     = "stella-ops.org/bookmark-revision"
	AnnotationSummary = "stella-ops.org/bookmark"
	SecretType        = corev1.SecretType("stella-ops.org/bookmark.v1")
	KeyRecord         = "bookmark.json"
	KeyRelease        = "release"
)

// Bookmark is one rollback point.
type Bookmark struct {
	Summary
	Description string    `json:"description,omitempty"` // Helm's, of the revision
	FirstDeploy time.Time `json:"firstDeployed,omitempty"`
	// Pins are the digests the bookmarked revision's stored manifest pins,
	// by Kind/name/container: what a rollback to it must run.
	Pins map[string]string `json:"pins,omitempty"`
	// PodsLive says whether Pods were read live from the bookmarked
	// revision (it was the one running); a bookmark of an older revision
	// records no pods, since the pods running are another revision's.
	PodsLive bool           `json:"podsLive"`
	Pods     []Pod          `json:"pods"`
	Git      gitstate.State `json:"git"`
	Who      identity.Who   `json:"who"`
	// ReleaseSHA256 and ReleaseBytes identify the stored release payload.
	ReleaseSHA256 string `json:"releaseSHA256"`
	ReleaseBytes  int    `json:"releaseBytes"`
	// Values are the release's user values: set only on request (Show.ShowValues).
	Values map[string]any `json:"values,omitempty"`

	data []byte // the release exactly as Helm stored it
}

// Summary is what a listing shows; it is kept in an annotation so a list
// reads metadata only.
type Summary struct {
	Name         string    `json:"name"`
	Namespace    string    `json:"namespace"`
	ReleaseName  string    `json:"release"`
	Revision     int       `json:"revision"`
	Status       string    `json:"status"`
	Chart        string    `json:"chart"`
	ChartVersion string    `json:"chartVersion"`
	AppVersion   string    `json:"appVersion,omitempty"`
	DeployedAt   time.Time `json:"deployedAt"`
	CreatedAt    time.Time `json:"createdAt"`
	CreatedBy    string    `json:"createdBy"`
	Note         string    `json:"note,omitempty"`
	// Origin is "promote" for promote's automatic bookmarks (subject to
	// its retention), "" for bookmarks an operator made.
	Origin string `json:"origin,omitempty"`
}

// Pod is one pod of the release at bookmark time.
type Pod struct {
	Name       string      `json:"name"`
	Phase      string      `json:"phase"`
	Containers []Container `json:"containers"`
}

// Container is one container and the digest it actually runs.
type Container struct {
	Name    string `json:"name"`
	Init    bool   `json:"init,omitempty"`
	Image   string `json:"image"`
	ImageID string `json:"imageID,omitempty"`
	Digest  string `json:"digest,omitempty"`
	Ready   bool   `json:"ready"`
}

// Release decodes the stored release: the bookmarked revision in full,
// even after Helm pruned it from the history.
func (b *Bookmark) Release() (*release.Release, error) {
	if len(b.data) == 0 {
		return nil, fmt.Errorf("bookmark %s holds no release", b.Name)
	}
	return helmx.Decode(b.data)
}

// LoadValues fills Values with the stored release's user values, for an
// explicit --show-values.
func (b *Bookmark) LoadValues() error {
	r, err := b.Release()
	if err != nil {
		return err
	}
	b.Values = r.Config
	if b.Values == nil {
		b.Values = map[string]any{}
	}
	return nil
}

// Build assembles a bookmark from a read revision (pure).
func Build(name string, rec *helmx.Record, rel *release.Release, pods []Pod, git gitstate.State, who identity.Who, now time.Time, note string) *Bookmark {
	b := &Bookmark{
		Summary: Summary{
			Name: name, Namespace: rel.Namespace, ReleaseName: rel.Name, Revision: rel.Version,
			Status: rec.Status, CreatedAt: now.UTC().Truncate(time.Second), CreatedBy: who.User, Note: note,
		},
		Pods: pods, Git: git, Who: who, data: rec.Data, ReleaseBytes: len(rec.Data),
		Pins: ManifestPins(rel.Manifest),
	}
	sum := sha256.Sum256(rec.Data)
	b.ReleaseSHA256 = hex.EncodeToString(sum[:])
	if rel.Info != nil {
		b.DeployedAt = rel.Info.LastDeployed.Time.UTC()
		b.FirstDeploy = rel.Info.FirstDeployed.Time.UTC()
		b.Description = rel.Info.Description
	}
	if rel.Chart != nil && rel.Chart.Metadata != nil {
		b.Chart, b.ChartVersion, b.AppVersion = rel.Chart.Metadata.Name, rel.Chart.Metadata.Version, rel.Chart.Metadata.AppVersion
	}
	return b
}

// ManifestPins maps each Kind/name/container of a rendered manifest whose
// image is pinned by digest to that digest (pure).
func ManifestPins(manifest string) map[string]string {
	imgs, _ := plan.Images(manifest)
	out := map[string]string{}
	for k, ref := range imgs {
		if d := image.PinnedDigest(ref); d != "" {
			out[k] = d
		}
	}
	return out
}

// DefaultName is stella-bookmark-<release>-<revision>-<UTC yymmdd-hhmmss>.
func DefaultName(rel string, revision int, now time.Time) string {
	return fmt.Sprintf("stella-bookmark-%s-%d-%s", rel, revision, now.UTC().Format("060102-150405"))
}

// Encode turns b into its Secret (pure).
func Encode(b *Bookmark) (*corev1.Secret, error) {
	rec, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encode bookmark: %w", err)
	}
	sum, err := json.Marshal(b.Summary)
	if err != nil {
		return nil, fmt.Errorf("encode bookmark: %w", err)
	}
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Name: b.Name, Namespace: b.Namespace,
			Labels:      Labels(b.ReleaseName, b.Revision),
			Annotations: map[string]string{AnnotationSummary: string(sum)},
		},
		Type: SecretType,
		Data: map[string][]byte{KeyRecord: rec, KeyRelease: b.data},
	}, nil
}

// Labels are a bookmark Secret's labels.
func Labels(rel string, revision int) map[string]string {
	return map[string]string{LabelManagedBy: ManagedBy, LabelRelease: rel, LabelRevision: strconv.Itoa(revision)}
}

// Decode reads a bookmark back from its Secret (pure).
func Decode(s *corev1.Secret) (*Bookmark, error) {
	if s.Type != SecretType {
		return nil, fmt.Errorf("secret %s is not a bookmark (type %q)", s.Name, s.Type)
	}
	var b Bookmark
	if err := json.Unmarshal(s.Data[KeyRecord], &b); err != nil {
		return nil, fmt.Errorf("bookmark %s: %w", s.Name, err)
	}
	b.Values = nil
	b.data = s.Data[KeyRelease]
	return &b, nil
}
