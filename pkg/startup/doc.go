// Package startup holds the garbage collector off while the package
// initialisers of a plugin binary run, and gives it back in main.
//
// The Helm SDK, client-go, the kubectl scheme and their dependencies build
// ≈ 7 MB of tables at init (schemes, regexps, JSON meta-schemas), most of it
// live until exit. Under the default GOGC the runtime collects twice while
// doing so, for nothing: about a sixth of the start-up CPU of a command that
// does little else (version, completion, an offline-kit rerun). Importing
// this package first (a blank import in main) disables the collector from
// its own initialiser; Done restores the setting the process started with
// (GOGC or its default), so every command runs with the usual collector.
package startup
