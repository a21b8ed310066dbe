package main

import (
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"onboard/tenant/entra"
)

// buildVersion is set at link time:
//
//	go build -ldflags "-X main.buildVersion=v1.2.3" ./cmd/onboard
var buildVersion string

// version is the link-time version, else the module version recorded in
// the build (go install onboard/cmd/onboard@v1.2.3), else "dev".
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "onboard",
		Short: "Onboard a customer's Microsoft 365 tenant onto hosted Teams Direct Routing",
		Long: `onboard checks the App registration credentials a customer's Microsoft 365
admin hands over (Tenant ID, Application ID, client secret), keeps every
service and validation in a local database, and watches for client secrets
about to expire.

Without a command it opens the interactive wizard; every screen action also
has a command below, for scripts, cron jobs and monitoring.

Exit codes: 0 success, 1 a validation or operation failed, 2 bad input or
usage, 130 interrupted by ctrl+c.`,
		Example: `  onboard                       # the wizard
  onboard --demo                # the wizard on a throw-away database and simulated tenants
  onboard services list
  onboard validate --all --json`,
		Version:       version(),
		Args:          cobra.NoArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE:          a.action(a.runTUI),
	}
	root.SetVersionTemplate("onboard {{.Version}}\n")
	root.SetFlagErrorFunc(flagError)

	pf := root.PersistentFlags()
	pf.StringVar(&a.dbPath, "db", "", "the database: a bbolt file or a postgres:// URL (env "+envDB+"; default $XDG_DATA_HOME/onboard/onboard.db or ~/.local/share/onboard/onboard.db)")
	pf.StringVar(&a.cloud, "cloud", "global", "Microsoft cloud: global, usgov, usdod or china (env "+envCloud+")")
	pf.StringVar(&a.authorityHost, "authority-host", "", "Entra ID authority host override, an https:// URL (env "+envAuthorityHost+")")
	pf.StringVar(&a.graphURL, "graph-url", "", "Microsoft Graph root override, an https:// URL (env "+envGraphURL+")")
	pf.StringVar(&a.sbcDomain, "sbc-domain", "", "the provider's SBC base domain: the customer's tenant must have a verified sub-domain of it (env "+envSBCDomain+"; empty: not checked)")
	pf.DurationVar(&a.timeout, "timeout", entra.DefaultTimeout, "time allowed for one validation (env "+envTimeout+")")
	pf.BoolVar(&a.noCache, "no-cache", false, "skip the cache of Entra ID's tenant metadata for this run (env "+envNoCache+")")
	pf.StringVar(&a.signInClientID, "signin-client-id", "", "the public client app the customer's admin signs in to when onboard creates an App registration (env "+envSignInClientID+"; default Microsoft Graph Command Line Tools, "+entra.DefaultSignInClientID+")")
	_ = root.RegisterFlagCompletionFunc("cloud", fixedChoices(cloudChoices()...))
	root.Flags().BoolVar(&a.demo, "demo", false, "run the wizard against simulated sample tenants (offline), on a throw-away database unless --db names one")
	root.Flags().DurationVar(&a.demoLatency, "demo-latency", 0, "with --demo, delay every simulated request by this much (to watch the live checks, or cancel a validation with Esc)")

	root.AddCommand(a.customersCommand(), a.servicesCommand(), a.validateCommand(), a.expiringCommand(),
		a.auditCommand(), a.dbCommand(), a.keyCommand())
	// cobra adds `completion` (with a command per shell) and `help`
	// itself; give them an example like every other command.
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	root.AddCommand(a.cacheCommand())
	for _, c := range root.Commands() {
		switch c.Name() {
		case "completion":
			c.Example = completionExamples["bash"] + "\n" + completionExamples["zsh"] + "\n" + completionExamples["fish"]
			for _, sh := range c.Commands() {
				sh.Example = completionExamples[sh.Name()]
			}
		case "help":
			c.Example = "  onboard help services add"
		}
	}
	return root
}

// completionExamples is how each shell loads onboard's completion.
var completionExamples = map[string]string{
	"bash":       "  source <(onboard completion bash)",
	"zsh":        `  onboard completion zsh > "${fpath[1]}/_onboard"`,
	"fish":       "  onboard completion fish > ~/.config/fish/completions/onboard.fish",
	"powershell": "  onboard completion powershell | Out-String | Invoke-Expression",
}

// group makes a command that only holds subcommands refuse a mistyped
// one (exit 2) instead of printing its help and exiting 0, which would
// hide the typo from a script. Alone, it prints its help.
func group(c *cobra.Command) *cobra.Command {
	c.Args = cobra.NoArgs
	c.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
	return c
}

// flagError words a flag's bad value without repeating it: a secret pasted
// in the wrong place (--client-secret-stdin=VALUE) must not reach stderr,
// which ends up in cron mail and CI logs. Subcommands inherit it.
func flagError(_ *cobra.Command, err error) error {
	var bad *pflag.InvalidValueError
	if !errors.As(err, &bad) {
		return err
	}
	f := bad.GetFlag()
	const unsaid = " (the value given is not repeated here, in case it was a secret)"
	switch f.Value.Type() {
	case "bool":
		return fmt.Errorf("--%s is a switch and takes no value%s", f.Name, unsaid)
	case "int":
		return fmt.Errorf("--%s needs a whole number%s", f.Name, unsaid)
	case "duration":
		return fmt.Errorf("--%s needs a duration such as 30s or 2m%s", f.Name, unsaid)
	}
	return fmt.Errorf("--%s needs a %s value%s", f.Name, f.Value.Type(), unsaid)
}
