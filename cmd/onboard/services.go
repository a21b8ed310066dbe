package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"onboard/store"
	"onboard/tenant"
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
	c.AddCommand(a.servicesAddCommand(), a.servicesListCommand(), a.servicesShowCommand(), a.servicesDeleteCommand())
	return c
}

func (a *app) servicesAddCommand() *cobra.Command {
	var (
		in          tenant.ServiceInput
		secretStdin bool
		m365Domain  string
		asJSON      bool
	)
	c := &cobra.Command{
		Use:   "add --customer NAME --name SHORT --license essentials-plus|pro --users N --tenant-id ID --client-id ID --client-secret-stdin",
		Short: "Validate an App registration and save the service (nothing is saved if validation fails)",
		Long: `Validate the App registration credentials of a customer's tenant and, when
they work (warnings allowed), save the service. A failed validation saves
nothing, prints the report on stderr and exits 1. Input that breaks a rule
exits 2 before any network call.

The client secret is read only from stdin (--client-secret-stdin): from a
terminal it is prompted for without echo, from a pipe the first line is
taken. It is never accepted as a flag or an environment variable.`,
		Example: `  printf '%s\n' "$SECRET" | onboard services add --customer "Contoso Ltd" --name CONTOSO01 \
      --license essentials-plus --users 25 \
      --tenant-id 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 \
      --client-id 11111111-2222-3333-4444-555555555555 \
      --client-secret-stdin --admin admin@contoso.onmicrosoft.com`,
		Args: noArgs("the client secret is read only from stdin (pipe it in with --client-secret-stdin)"),
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			if !secretStdin {
				return usagef("the client secret is read only from stdin: add --client-secret-stdin and pipe the secret's Value in (it is never taken from a flag or an environment variable)")
			}
			in.UseKnownApp = true
			return a.addService(in, m365Domain, asJSON)
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
	f.BoolVar(&secretStdin, "client-secret-stdin", false, "read the client secret's Value from stdin (required)")
	f.StringVar(&in.AdminUser, "admin", "", "optional customer admin who handed the credentials over (UPN)")
	f.StringVar(&m365Domain, "m365-domain", "", "M365 domain (default: the tenant's initial *.onmicrosoft.com domain)")
	f.BoolVar(&asJSON, "json", false, "print the saved service as JSON")
	_ = c.RegisterFlagCompletionFunc("customer", a.completeCustomerNames)
	_ = c.RegisterFlagCompletionFunc("license", fixedChoices(licenseChoices()...))
	return c
}

// addService is `services add` after its flags: rules, then the store's
// look-ups, then validation, then the save. Every refusal before
// validation happens without a network call.
func (a *app) addService(in tenant.ServiceInput, m365Domain string, asJSON bool) error {
	now := a.now()
	// Check every other field, and that the customer exists and the short
	// name is free, before asking for the secret: an engineer at a
	// terminal should not type it only to learn the short name is taken.
	svc, err := in.ParseBeforeSecret(now)
	if err != nil {
		return err
	}
	domain, err := cleanM365Domain(m365Domain)
	if err != nil {
		return err
	}
	customer, err := a.checkNewService(svc)
	if err != nil {
		return err
	}

	raw, err := readSecret(a.stdin, a.stderr)
	if err != nil {
		return err
	}
	secret, notes, err := tenant.CleanSecret(raw)
	if err != nil {
		return err
	}
	svc.App.Secret = secret
	svc.Customer = customer
	svc.M365Domain = domain
	for _, n := range notes {
		fmt.Fprintf(a.stderr, "onboard: note: %s\n", n)
	}

	// The database is not held open during validation (up to --timeout),
	// so the wizard or a cron job can use it meanwhile.
	progress := a.checkProgress()
	if progress != nil {
		fmt.Fprintf(a.stderr, "Validating the credentials of %s…\n", svc.Name)
	}
	report := a.val.Validate(a.ctx, tenant.CredentialsOf(svc), progress)
	if err := svc.Activate(report); err != nil {
		fmt.Fprintf(a.stderr, "Validation of %s failed:\n", svc.Name)
		printChecks(a.stderr, report)
		return failedf("validation failed, so service %s was not saved", svc.Name)
	}

	// CreateService checks the customer and the short name again inside
	// its write transaction: whoever saved first in the meantime wins.
	err = a.withStore(func(st *store.Store) error {
		err := st.CreateService(svc)
		if err != nil && !tenant.IsRuleError(err) {
			return storeError(fmt.Sprintf("save service %s", svc.Name), err)
		}
		return err
	})
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(a.stdout, viewOf(svc, a.now()))
	}
	fmt.Fprintf(a.stdout, "Created service %s (%s, validation %s).\n\n", svc.Name, svc.State.Title(), report.Status)
	return printService(a.stdout, svc, a.now())
}

// checkNewService applies the rules only the database can judge, before
// any network call: the customer exists (its stored spelling is returned)
// and no service has the short name, ignoring case.
func (a *app) checkNewService(svc tenant.Service) (customer string, err error) {
	err = a.withStore(func(st *store.Store) error {
		cust, err := st.GetCustomer(svc.Customer)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return usagef("there is no customer %q: add it first with `onboard customers add %q`", svc.Customer, svc.Customer)
		case err != nil:
			return storeError(fmt.Sprintf("look up customer %q", svc.Customer), err)
		}
		_, err = st.GetService(svc.Name)
		switch {
		case errors.Is(err, store.ErrNotFound):
			customer = cust.Name
			return nil
		case err == nil, errors.Is(err, store.ErrCannotUnseal):
			return &tenant.RuleError{Field: "short name", Rule: fmt.Sprintf("a service named %q already exists (short names are unique, ignoring case)", svc.Name)}
		}
		return storeError(fmt.Sprintf("look up service %q", svc.Name), err)
	})
	return customer, err
}

// cleanM365Domain accepts an empty domain (the tenant's initial domain is
// taken) or a domain name.
func cleanM365Domain(d string) (string, error) {
	if d == "" {
		return "", nil
	}
	// The Tenant ID rule already knows what a domain looks like.
	id, isGUID, err := tenant.ParseTenantID(d)
	if err != nil || isGUID {
		return "", &tenant.RuleError{Field: "M365 domain", Rule: "the M365 domain must be a domain name such as contoso.com or contoso.onmicrosoft.com"}
	}
	return id, nil
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
			services, err := a.storedServices()
			if err != nil {
				return err
			}
			now := a.now()
			if asJSON {
				views := make([]serviceView, 0, len(services))
				for _, s := range services {
					views = append(views, viewOf(s, now))
				}
				return writeJSON(a.stdout, views)
			}
			if len(services) == 0 {
				fmt.Fprintln(a.stdout, "No services yet: add one with `onboard services add` or the wizard.")
				return nil
			}
			return printServiceTable(a.stdout, services, now)
		}),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// getService looks a service up by name, ignoring case; an unknown name is
// bad input.
func getService(st *store.Store, name string) (tenant.Service, error) {
	s, err := st.GetService(name)
	return s, serviceError("look up", name, err)
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
			var s tenant.Service
			err := a.withStore(func(st *store.Store) (err error) {
				s, err = getService(st, args[0])
				return err
			})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, viewOf(s, a.now()))
			}
			return printService(a.stdout, s, a.now())
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
			err := a.withStore(func(st *store.Store) error {
				return serviceError("delete", args[0], st.DeleteService(args[0]))
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Deleted service %s and its validation history.\n", args[0])
			return nil
		}),
	}
}
