// Command onboard is the support engineer's tool for onboarding a customer's
// Microsoft 365 tenant onto a hosted Teams Direct Routing service: the TUI
// by default, and a scriptable command for every screen action (docs/cli.md).
//
// This package is wiring only: flags, environment variables, exit codes and
// output formats; it opens the storage backend (store/bolt) and the Entra
// client (tenant/entra) and hands them to the use cases (tenant/usecase),
// which every command calls. The rules live in tenant, the screens in
// wizard, the presentation of a record in tenant/present.
package main

import "os"

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
