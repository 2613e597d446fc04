// Package compose reads the images of a Docker Compose file through
// github.com/compose-spec/compose-go/v2 — interpolation of ${VAR} and
// ${VAR:-default} from env files included — and locates each service's
// image node in the raw YAML so that findings carry a line and --fix can
// rewrite the digest surgically, variables left in place.
package compose
