package journal

import (
	"encoding/json"
	"regexp"
)

// Limits keep an entry far below a ConfigMap's 1 MiB.
const (
	maxText      = 2048 // bytes per free-text field
	maxLogLines  = 40
	maxEvents    = 20
	maxEvidence  = 50
	maxEntrySize = 512 << 10
	masked       = "***"
)

var (
	// key=value, key: value, "key":"value" where the key looks secret.
	secretAssign = regexp.MustCompile(`(?i)("?[\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[\w.-]*"?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)`)
	bearer       = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}`)
	userinfoURL  = regexp.MustCompile(`(://[^/\s:@]+):[^/\s@]+@`)
	secretKey    = regexp.MustCompile(`(?i)password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential`)
)

// Redact masks secret-looking assignments, bearer/basic credentials and
// passwords in URLs, and bounds the length of s.
func Redact(s string) string {
	s = secretAssign.ReplaceAllString(s, "${1}"+masked)
	s = bearer.ReplaceAllString(s, "${1} "+masked)
	s = userinfoURL.ReplaceAllString(s, "${1}:"+masked+"@")
	if len(s) > maxText {
		s = s[:maxText] + "…(truncated)"
	}
	return s
}

func redactAll(ss []string, keepLast int) []string {
	if len(ss) > keepLast {
		ss = ss[len(ss)-keepLast:]
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = Redact(s)
	}
	return out
}

// sanitize returns e with every free-text field redacted and bounded.
func sanitize(e Entry) (Entry, error) {
	e.Reason, e.Notes = Redact(e.Reason), Redact(e.Notes)
	if len(e.Evidence) > maxEvidence {
		e.Evidence = e.Evidence[:maxEvidence]
	}
	ev := make([]Evidence, len(e.Evidence))
	for i, x := range e.Evidence {
		x.Reason, x.Message = Redact(x.Reason), Redact(x.Message)
		x.Events, x.LogTail = redactAll(x.Events, maxEvents), redactAll(x.LogTail, maxLogLines)
		ev[i] = x
	}
	if len(ev) > 0 {
		e.Evidence = ev
	}
	if len(e.Smoke) > 0 {
		var v any
		if err := json.Unmarshal(e.Smoke, &v); err != nil {
			return e, err
		}
		b, err := json.Marshal(redactJSON(v))
		if err != nil {
			return e, err
		}
		e.Smoke = b
	}
	return e, nil
}

// redactJSON masks values under secret-looking keys and redacts strings.
func redactJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if _, isStr := val.(string); isStr && secretKey.MatchString(k) {
				x[k] = masked
				continue
			}
			x[k] = redactJSON(val)
		}
	case []any:
		for i := range x {
			x[i] = redactJSON(x[i])
		}
	case string:
		return Redact(x)
	}
	return v
}
