package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"onboard/tenant"
	"onboard/tenant/present"
	"onboard/tenant/usecase"
)

func (a *app) servicesCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "services",
		Short: "Add, list, show and delete Direct Routing services",
		Example: `  printf '%s\n' "$SECRET" | onboard services add --customer "Contoso Ltd" --name CONTOSO01 \
      --license pro --users 25 --tenant-id contoso.onmicrosoft.com \
      --client-id 11111111-2222-3333-4444-555555555555 --client-secret-stdin
  onboard services list
  onboard services show CONTOSO01 --json`,
	}
	group(c)
	c.AddCommand(a.servicesAddCommand(), a.servicesListCommand(), a.servicesShowCommand(), a.servicesReportCommand(), a.servicesDeleteCommand())
	return c
}

func (a *app) servicesAddCommand() *cobra.Command {
	var (
		in          tenant.ServiceInput
		secretStdin bool
		opts        addOptions
	)
	c := &cobra.Command{
		Use:   "add --customer NAME --name SHORT --license essentials-plus|pro --users N --tenant-id ID (--client-id ID --client-secret-stdin | --create-app)",
		Short: "Validate an App registration (or create one with the admin's sign-in) and save the service (nothing is saved if validation fails)",
		Long: `Validate the App registration credentials of a customer's tenant and, when
they work (warnings allowed), save the service. A failed validation saves
nothing, prints the report on stderr and exits 1. Input that breaks a rule
exits 2 before any network call.

The client secret is read only from stdin (--client-secret-stdin): from a
terminal it is prompted for without echo, from a pipe the first line is
taken. It is never accepted as a flag or an environment variable.

With --create-app there is no App registration yet: onboard prints a code
on stderr, the customer's admin signs in with it on their own device, and
onboard creates the App registration ("onboard – SHORT"), its service
principal, admin consent for the Graph permissions, the Teams
Administrator role and a client secret nobody sees, validates it, and
saves the service with the admin as its customer admin. On failure what
was created is listed and removed (unless --keep-created), exit 1.`,
		Example: `  printf '%s\n' "$SECRET" | onboard services add --customer "Contoso Ltd" --name CONTOSO01 \
      --license essentials-plus --users 25 \
      --tenant-id 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 \
      --client-id 11111111-2222-3333-4444-555555555555 \
      --client-secret-stdin --admin admin@contoso.onmicrosoft.com
  onboard services add --customer "Contoso Ltd" --name CONTOSO02 --license pro --users 25 \
      --tenant-id contoso.onmicrosoft.com --create-app --secret-months 24`,
		Args: noArgs("the client secret is read only from stdin (pipe it in with --client-secret-stdin)"),
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			if opts.createApp {
				return a.addServiceCreatingApp(in, secretStdin, opts)
			}
			if cmd.Flags().Changed("secret-months") || opts.keepCreated {
				return usagef("--secret-months and --keep-created go with --create-app")
			}
			if !secretStdin {
				return usagef("the client secret is read only from stdin: add --client-secret-stdin and pipe the secret's Value in (it is never taken from a flag or an environment variable)")
			}
			in.UseKnownApp = true
			return a.addService(in, opts)
		}),
	}
	f := c.Flags()
	f.StringVar(&in.Customer, "customer", "", "the customer the service belongs to (must exist: onboard customers add)")
	f.StringVar(&in.Name, "name", "", "unique short name of the service (3–15 characters)")
	f.StringVar(&in.FullName, "full-name", "", "optional full name (up to 200 characters)")
	f.StringVar(&in.License, "license", "", "license: essentials-plus (Hosted Essentials+) or pro (Hosted Pro)")
	f.StringVar(&in.Users, "users", "", "number of licensed users (1–500)")
	f.StringVar(&in.TenantID, "tenant-id", "", "the customer's Tenant ID: a GUID or a domain such as contoso.onmicrosoft.com")
	f.StringVar(&in.ClientID, "client-id", "", "the App registration's Application (Client) ID")
	f.BoolVar(&secretStdin, "client-secret-stdin", false, "read the client secret's Value from stdin (required unless --create-app)")
	f.StringVar(&in.AdminUser, "admin", "", "optional customer admin who handed the credentials over (UPN)")
	f.StringVar(&opts.m365Domain, "m365-domain", "", "M365 domain (default: the tenant's initial *.onmicrosoft.com domain)")
	f.BoolVar(&opts.keepOnFailure, "keep-on-failure", false, "when the failure is for the customer's admin to fix (Conditional Access, a disabled app, a missing role or consent), save the service pending authentication with the credentials (still exit 1)")
	f.BoolVar(&opts.allowShared, "allow-shared-tenant", false, "go on when the tenant is already another customer's, or the App registration and secret are another service's")
	f.BoolVar(&opts.asJSON, "json", false, "print the saved service as JSON")
	createAppFlags(c, &opts)
	_ = c.RegisterFlagCompletionFunc("customer", a.completeCustomerNames)
	_ = c.RegisterFlagCompletionFunc("license", fixedChoices(licenseChoices()...))
	return c
}

// addOptions are services add's flags beyond the service's fields.
type addOptions struct {
	m365Domain    string
	keepOnFailure bool
	allowShared   bool
	asJSON        bool
	// --create-app and its flags (createapp.go).
	createApp, keepCreated bool
	secretMonths           string
}

// addService is `services add` after its flags: rules, then the store's
// look-ups, then the secret, then validation, then the save. Every refusal
// before validation happens without a network call. The database is taken
// first and held to the end: another onboard process using it shows
// before the secret is asked for, never after a validation that could not
// be saved.
func (a *app) addService(in tenant.ServiceInput, opts addOptions) error {
	if _, err := tenant.CleanM365Domain(opts.m365Domain); err != nil {
		return err
	}
	clock := present.NewClock(a.now())
	return a.withCases(func(c *usecase.Cases) error {
		// Every other field, the customer and the short name are checked
		// before the secret: an engineer at a terminal should not type it
		// only to learn the short name is taken.
		svc, err := a.checkAdd(c, in, "", opts.allowShared)
		if err != nil {
			return err
		}
		raw, err := readSecret(a.ctx, a.stdin, a.stderr)
		if err != nil {
			return err
		}
		in.Secret, in.Customer = raw, svc.Customer
		parsed, notes, err := in.Parse(a.now())
		if err != nil {
			return err
		}
		for _, n := range notes {
			fmt.Fprintf(a.stderr, "onboard: note: %s\n", n)
		}
		if err := a.refuseShared(c, parsed, parsed.App.Secret, opts.allowShared); err != nil {
			return err
		}
		progress := a.checkProgress()
		if progress != nil {
			fmt.Fprintf(a.stderr, "Validating the credentials of %s…\n", parsed.Name)
		}
		report := c.Validate(a.ctx, tenant.CredentialsOf(parsed), progress)
		if a.ctx.Err() != nil {
			return interruptedf("interrupted while validating: service %s was not saved", parsed.Name)
		}
		park := false
		if !report.Passed() {
			fmt.Fprintf(a.stderr, "Validation of %s failed:\n", parsed.Name)
			printChecks(a.stderr, report, clock)
			if !opts.keepOnFailure || !report.CustomerSide() {
				why := ""
				if opts.keepOnFailure {
					why = " (--keep-on-failure keeps only a service whose credentials are right and whose tenant the customer's admin must fix)"
				}
				return failedf("validation failed, so service %s was not saved%s", parsed.Name, why)
			}
			park = true
		}
		// Create checks the customer and the short name again inside its
		// write transaction.
		saved, err := c.Create(usecase.NewService{Input: in, M365Domain: opts.m365Domain, Report: report, Park: park})
		if err != nil {
			return storeError(fmt.Sprintf("save service %s", parsed.Name), err)
		}
		return a.printAdded(saved, fmt.Sprintf("Created service %s (%s, validation %s).", saved.Name, saved.State.Title(), report.Status),
			"its credentials", opts.asJSON, clock)
	})
}

// checkAdd is what both forms of services add check before the secret is
// read and before any network call: every rule, that the customer exists
// and the short name is free, then a tenant another customer already uses
// (tenantID, when the service carries none yet).
func (a *app) checkAdd(c *usecase.Cases, in tenant.ServiceInput, tenantID string, allowShared bool) (tenant.Service, error) {
	svc, err := c.CheckNew(in, false)
	if err != nil {
		return tenant.Service{}, storeError("check the new service", addCustomerHint(err, in.Customer))
	}
	if tenantID != "" {
		svc.App.TenantID = tenantID
	}
	return svc, a.refuseShared(c, svc, tenant.Secret{}, allowShared)
}

// printAdded prints a service services add saved: as JSON, or headline
// and its page. A service saved pending authentication (with what: its
// credentials, the new App registration) ends in exit 1, saying what
// comes next.
func (a *app) printAdded(saved tenant.Service, headline, with string, asJSON bool, clock present.Clock) error {
	if asJSON {
		if err := writeJSON(a.stdout, present.JSONOf(saved, clock)); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(a.stdout, "%s\n\n", headline)
		if err := printService(a.stdout, saved, clock); err != nil {
			return err
		}
	}
	if saved.State != tenant.StatePendingAuth {
		return nil
	}
	fmt.Fprintf(a.stderr, "onboard: service %s was saved pending authentication with %s; send the customer's admin what to fix (onboard services report %s) and validate it again later.\n", saved.Name, with, saved.Name)
	return silentFailure
}

// refuseShared warns on stderr about another customer's tenant, or an App
// registration and secret another service already uses, and refuses to go
// on (bad input, before any network call) without --allow-shared-tenant.
func (a *app) refuseShared(c *usecase.Cases, svc tenant.Service, secret tenant.Secret, allow bool) error {
	sharing, err := c.Sharings(svc.Customer, svc.App.TenantID, svc.App.ClientID, secret)
	if err != nil {
		return storeError("look for services sharing the tenant", err)
	}
	for _, s := range sharing {
		if secret.IsZero() == s.SameSecret {
			continue // said before the secret was read, or only after
		}
		fmt.Fprintf(a.stderr, "onboard: warning: %s\n", s.Warning(svc.App.TenantID))
	}
	if len(sharing) == 0 || allow {
		return nil
	}
	return usagef("nothing was saved: add --allow-shared-tenant to go on with it")
}

// addCustomerHint says how to add a missing customer, in the command's
// words, among the rules broken.
func addCustomerHint(err error, customer string) error {
	var rules tenant.Rules
	var re *tenant.RuleError
	switch {
	case errors.As(err, &rules):
	case errors.As(err, &re):
		rules = tenant.Rules{re}
	default:
		return err
	}
	for i, r := range rules {
		if r.Field == "customer" {
			rules[i] = &tenant.RuleError{Field: r.Field, Rule: fmt.Sprintf("there is no customer %q: add it first with `onboard customers add %q`", customer, customer)}
		}
	}
	return rules.Err()
}

// checkProgress shows each check as it completes, only to a person
// watching a terminal; scripts get the result alone.
func (a *app) checkProgress() func(tenant.Check) {
	if !isTerminal(a.stderr) {
		return nil
	}
	return func(c tenant.Check) {
		fmt.Fprintf(a.stderr, "  %s %s\n", c.Status.Symbol(), c.Name)
	}
}

func (a *app) servicesListCommand() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List services with their last validation and days until the secret expires",
		Example: `  onboard services list
  onboard services list --json | jq -r '.[] | select(.lastValidation.status == "fail") | .name'`,
		Args: noArgs(""),
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			clock := present.NewClock(a.now())
			return a.withCases(func(c *usecase.Cases) error {
				if asJSON {
					l, err := c.Store().ListServices()
					if err != nil {
						return storeError("list services", err)
					}
					a.warnUnreadable(l.Unreadable)
					return writeJSON(a.stdout, servicesJSON(l.Services, clock))
				}
				sums, err := c.Store().ListSummaries()
				if err != nil {
					return storeError("list services", err)
				}
				if len(sums) == 0 {
					fmt.Fprintln(a.stdout, "No services yet: add one with `onboard services add` or the wizard.")
					return nil
				}
				return printServiceTable(a.stdout, sums, clock)
			})
		}),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// warnUnreadable names, on stderr, the services a listing could not read.
func (a *app) warnUnreadable(list []usecase.Unreadable) {
	for _, u := range list {
		fmt.Fprintf(a.stderr, "onboard: skipped service %s: %v\n", u.Name, u.Err)
	}
}

func (a *app) servicesShowCommand() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a service's page: credentials (secret as hint), expiry, roles, permissions, last validation",
		Example: `  onboard services show CONTOSO01
  onboard services show contoso01 --json   # names ignore case`,
		Args:              exactArgs(1, "the service's short name"),
		ValidArgsFunction: a.completeServiceNames,
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			s, err := a.lookUp(args[0])
			if err != nil {
				return err
			}
			clock := present.NewClock(a.now())
			if asJSON {
				return writeJSON(a.stdout, present.JSONOf(s, clock))
			}
			return printService(a.stdout, s, clock)
		}),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func (a *app) servicesDeleteCommand() *cobra.Command {
	return &cobra.Command{
		Use:               "delete NAME",
		Short:             "Delete a service and its validation history",
		Example:           `  onboard services delete CONTOSO01`,
		Args:              exactArgs(1, "the service's short name"),
		ValidArgsFunction: a.completeServiceNames,
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			err := a.withCases(func(c *usecase.Cases) error {
				return serviceError("delete", args[0], c.DeleteService(args[0], 0))
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Deleted service %s and its validation history.\n", args[0])
			return nil
		}),
	}
}

func (a *app) servicesReportCommand() *cobra.Command {
	var format, output string
	c := &cobra.Command{
		Use:   "report NAME",
		Short: "A hand-over report of a service and its last validation, for a ticket (Markdown) or to print (HTML)",
		Long: `Write a self-contained report of a service: customer, service, license and
users, tenant name and ID, App registration, the secret's hint and expiry,
every check of the last validation with its status, detail and fix, the
AADSTS and correlation IDs, who validated and when. Never the secret.`,
		Example: `  onboard services report CONTOSO01 > ticket.md
  onboard services report CONTOSO01 --format html --output contoso01.html`,
		Args:              exactArgs(1, "the service's short name"),
		ValidArgsFunction: a.completeServiceNames,
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			if format != "md" && format != "html" {
				return usagef("--format must be md or html")
			}
			s, err := a.lookUp(args[0])
			if err != nil {
				return err
			}
			clock := present.NewClock(a.now())
			text := present.Markdown(s, clock)
			if format == "html" {
				text = present.HTML(s, clock)
			}
			if output == "" {
				_, err := io.WriteString(a.stdout, text)
				return err
			}
			if err := os.WriteFile(output, []byte(text), 0o600); err != nil {
				return failedf("write the report: %w", err)
			}
			fmt.Fprintf(a.stderr, "Wrote the report of %s to %s.\n", s.Name, output)
			return nil
		}),
	}
	c.Flags().StringVar(&format, "format", "md", "md (Markdown, for a ticket) or html (to print)")
	c.Flags().StringVar(&output, "output", "", "write to this file (0600) instead of stdout")
	_ = c.RegisterFlagCompletionFunc("format", fixedChoices("md", "html"))
	return c
}

// lookUp is the stored service of a short name, for the commands that
// show it.
func (a *app) lookUp(name string) (s tenant.Service, err error) {
	err = a.withCases(func(c *usecase.Cases) (err error) {
		s, err = c.Store().GetService(name)
		return serviceError("look up", name, err)
	})
	return s, err
}
