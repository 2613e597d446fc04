// Package complete answers shell completion of both plugins from the
// cluster: Helm release names and bookmark names of the namespace, by
// prefix, sorted. Errors yield no candidates: completion never fails loudly.
package complete
