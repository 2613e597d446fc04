package retention

import (
	"fmt"
	"strings"
)

// Applied is what one automatic retention run did, for the result.
type Applied struct {
	Limit   Limit    `json:"limit"`
	Removed []string `json:"removed,omitempty"`
	// Warning is why retention could not finish (e.g. forbidden to
	// delete); the operation's own outcome does not change.
	Warning string `json:"warning,omitempty"`
}

// Line is the result's table line: what was removed under which limit,
// and the warning; "" when there is nothing to say.
func (a *Applied) Line() string {
	if a == nil || (len(a.Removed) == 0 && a.Warning == "") {
		return ""
	}
	var parts []string
	if len(a.Removed) > 0 {
		parts = append(parts, fmt.Sprintf("removed %d: %s [%s]", len(a.Removed), strings.Join(a.Removed, ", "), a.Limit))
	}
	if a.Warning != "" {
		parts = append(parts, "warning: "+a.Warning)
	}
	return strings.Join(parts, "; ")
}
