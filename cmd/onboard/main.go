// Command onboard is the support engineer's tool for onboarding a customer's
// Microsoft 365 tenant onto a hosted Teams Direct Routing service: the TUI
// by default, and a scriptable command for every screen action (SPEC §5).
//
// This package is wiring only: flags, environment variables, exit codes and
// output formats. The rules and the validation live in tenant, the records
// in store, the screens in wizard.
package main

import "os"

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
