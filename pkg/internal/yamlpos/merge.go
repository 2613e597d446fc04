package yamlpos

import (
	"bytes"
	"errors"
	"io"

	"go.yaml.in/yaml/v3"
)

// Semantics says which parser's merge-key rules a lookup follows.
type Semantics int

const (
	// V2 is go-yaml v2, read by Helm (chartutil.ReadValues through
	// sigs.k8s.io/yaml): keys and merges ("<<") apply in document order and
	// the last one wins; in a merged list, earlier maps win.
	V2 Semantics = iota
	// V3 is yaml.v3/v4, read by compose-go: a key written in the mapping
	// wins over merged ones; of several "<<" only the last counts; in a
	// merged list, earlier maps win.
	V3
)

// Resolve follows aliases to the node that defines the value.
func Resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return Resolve(n.Content[0])
	}
	return n
}

// IsMerge reports whether k is a merge key ("<<" plain or tagged !!merge).
func IsMerge(k *yaml.Node) bool {
	return k != nil && k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge"
}

// Lookup returns the node that gives key its value in mapping m as the
// parser of sem reads it (aliases and merge keys resolved), and every
// mapping node consulted on the way (m, merged maps) in visit order.
func Lookup(m *yaml.Node, key string, sem Semantics) (val *yaml.Node, via []*yaml.Node) {
	m = Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	via = append(via, m)
	var found *yaml.Node
	var merge *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		switch {
		case IsMerge(k) && sem == V2:
			if n, more := lookupMerged(v, key, sem); n != nil {
				found = n
				via = append(via, more...)
			}
		case IsMerge(k):
			merge = v
		case k.Value == key:
			found = Resolve(v)
			if sem == V3 {
				return found, via
			}
		}
	}
	if sem == V3 && merge != nil {
		n, more := lookupMerged(merge, key, sem)
		return n, append(via, more...)
	}
	return found, via
}

// lookupMerged looks key up in the value of a merge key: a map, or a list
// of maps of which the earliest holding key wins.
func lookupMerged(v *yaml.Node, key string, sem Semantics) (*yaml.Node, []*yaml.Node) {
	v = Resolve(v)
	if v == nil {
		return nil, nil
	}
	if v.Kind == yaml.MappingNode {
		return Lookup(v, key, sem)
	}
	if v.Kind != yaml.SequenceNode {
		return nil, nil
	}
	for _, item := range v.Content {
		if n, via := Lookup(item, key, sem); n != nil {
			return n, via
		}
	}
	return nil, nil
}

// DecodeAll parses every YAML document of data (the first keeps Decode's
// checks; every one is checked for duplicate keys). Empty documents are kept
// as nil so that index i is document i+1.
func DecodeAll(path string, data []byte) (docs []*yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			docs, err = nil, Errorf(path, 0, "malformed YAML: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				return docs, nil
			}
			return nil, Error(path, err)
		}
		if len(doc.Content) == 0 {
			docs = append(docs, nil)
			continue
		}
		if err := noDuplicateKeys(path, doc.Content[0]); err != nil {
			return nil, err
		}
		docs = append(docs, doc.Content[0])
	}
}
