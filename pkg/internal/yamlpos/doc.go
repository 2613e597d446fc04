// Package yamlpos is the YAML plumbing shared by the align readers: decode
// to a yaml.v3 node tree with errors as one "file:line: message" line (exit
// code 4), and map node positions (line, rune column) to byte offsets so
// that --fix can edit the raw bytes surgically.
package yamlpos
