package yamlpos

import "go.yaml.in/yaml/v3"

// finderMin is the mapping size from which a Finder indexes a mapping:
// below it a scan is as cheap as a map.
const finderMin = 16

// Finder is Lookup with an index of every large mapping without merge
// keys, built on first use. Locating each of n components of a file looks
// n keys up in the same n-key mapping: a scan each time is n², which at
// 2,000 components cost more than parsing the file. Keep one Finder per
// parsed file (it holds on to the nodes); not safe for concurrent use.
type Finder struct {
	idx map[*yaml.Node]map[string][2]*yaml.Node // key → first, last value; nil map: has merge keys
}

// Lookup is Lookup(m, key, sem), answered from the index when m is large
// and has no merge key (then the value is m's own: V3 reads the first of a
// repeated key, V2 the last; repeated keys are refused elsewhere anyway).
func (f *Finder) Lookup(m *yaml.Node, key string, sem Semantics) (*yaml.Node, []*yaml.Node) {
	m = Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode || len(m.Content) < 2*finderMin {
		return Lookup(m, key, sem)
	}
	if f.idx == nil {
		f.idx = map[*yaml.Node]map[string][2]*yaml.Node{}
	}
	ix, ok := f.idx[m]
	if !ok {
		ix = index(m)
		f.idx[m] = ix
	}
	if ix == nil {
		return Lookup(m, key, sem)
	}
	vals, ok := ix[key]
	if !ok {
		return nil, []*yaml.Node{m}
	}
	if sem == V3 {
		return Resolve(vals[0]), []*yaml.Node{m}
	}
	return Resolve(vals[1]), []*yaml.Node{m}
}

// index maps each key of m to its first and last value, or is nil when m
// has a merge key (whose resolution Lookup does).
func index(m *yaml.Node) map[string][2]*yaml.Node {
	ix := make(map[string][2]*yaml.Node, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if IsMerge(k) {
			return nil
		}
		e, seen := ix[k.Value]
		if !seen {
			e[0] = v
		}
		e[1] = v
		ix[k.Value] = e
	}
	return ix
}
