package version

// Kind is the kind of the version commands' structured result (rendered by
// internal/cli, so that this package links nothing but the runtime: the
// helm-stella entry binary reads the version without the printers).
const Kind = "Version"
