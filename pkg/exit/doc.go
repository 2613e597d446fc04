// Package exit is the exit-code contract shared by kubectl-stella and
// helm-stella: typed errors that carry the code a command ends with.
//
//	0 ok · 1 operational error · 2 check failed · 3 timeout ·
//	4 invalid input (nothing changed) · 5 refused by a safety guard (nothing changed)
package exit
