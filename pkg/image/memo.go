package image

import "sync"

// memoMax bounds the references Parse remembers (a few MB at most).
const memoMax = 1 << 14

// memo remembers parsed references by their text. align reads one release
// manifest and many targets that, when aligned, repeat the manifest's
// references character for character; parsing one (distribution/reference's
// regular expression) cost more than the YAML it sits in.
var memo = struct {
	sync.Mutex
	refs map[string]Ref
}{refs: map[string]Ref{}}

func memoGet(s string) (Ref, bool) {
	memo.Lock()
	defer memo.Unlock()
	r, ok := memo.refs[s]
	return r, ok
}

func memoPut(s string, r Ref) {
	memo.Lock()
	defer memo.Unlock()
	if len(memo.refs) >= memoMax {
		clear(memo.refs)
	}
	memo.refs[s] = r
}
