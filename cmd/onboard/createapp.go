package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/present"
	"onboard/tenant/usecase"
)

// Creating the customer's App registration on the spot (docs/cli.md,
// `services add --create-app`): the admin signs in with the code printed
// on stderr, usecase.CreateApp does the rest, and the service is saved
// with the new credentials.

// envSignInClientID names the public client the admin signs in to.
const envSignInClientID = "ONBOARD_SIGNIN_CLIENT_ID"

// resolveSignIn folds ONBOARD_SIGNIN_CLIENT_ID into --signin-client-id
// and sets up the creator beside the validator; a client ID that is no
// GUID is bad usage (exit 2).
func (a *app) resolveSignIn(cmd *cobra.Command) error {
	if f := cmd.Flags().Lookup("signin-client-id"); f != nil && !f.Changed {
		if v := a.getenv(envSignInClientID); v != "" {
			a.signInClientID = v
		}
	}
	cr, err := entra.NewCreator(a.val, a.signInClientID)
	if err != nil {
		var re *tenant.RuleError
		if errors.As(err, &re) {
			return usagef("--signin-client-id (%s): %s", envSignInClientID, re.Rule)
		}
		return failedf("set up the admin sign-in: %w", err)
	}
	a.creator = usecase.SignInWith(cr.SignIn)
	return nil
}

// createAppFlags are services add's flags for --create-app.
func createAppFlags(c *cobra.Command, opts *addOptions) {
	f := c.Flags()
	f.BoolVar(&opts.createApp, "create-app", false, "create the App registration now: the customer's admin signs in with a code printed on stderr, onboard creates the app, its permissions, role and secret (no --client-id, no --client-secret-stdin)")
	f.StringVar(&opts.secretMonths, "secret-months", "12", "with --create-app, the new client secret's lifetime in months: 6, 12 or 24")
	f.BoolVar(&opts.keepCreated, "keep-created", false, "with --create-app, keep what was created in the customer's tenant when something fails (default: remove it)")
	_ = c.RegisterFlagCompletionFunc("secret-months", fixedChoices("6", "12", "24"))
}

// addServiceCreatingApp is `services add --create-app`: the same rules
// and store checks as addService before any network call, then the
// admin's sign-in and the creation, then the save.
func (a *app) addServiceCreatingApp(in tenant.ServiceInput, secretStdin bool, opts addOptions) error {
	switch {
	case in.ClientID != "" || secretStdin:
		return usagef("--create-app creates the App registration and its client secret: leave out --client-id and --client-secret-stdin")
	case in.AdminUser != "":
		return usagef("with --create-app the admin who signs in becomes the customer admin: leave out --admin")
	case strings.TrimSpace(in.TenantID) == "":
		return &tenant.RuleError{Field: "Tenant ID", Rule: "--create-app needs the customer's --tenant-id (a GUID or a domain such as contoso.onmicrosoft.com)"}
	}
	months, err := tenant.ParseSecretMonths(opts.secretMonths)
	if err != nil {
		return err
	}
	tid, _, err := tenant.ParseTenantID(in.TenantID)
	if err != nil {
		return err
	}
	if _, err := tenant.CleanM365Domain(opts.m365Domain); err != nil {
		return err
	}
	clock := present.NewClock(a.now())
	return a.withCases(func(c *usecase.Cases) error {
		in.UseKnownApp = false // the credentials come from the creation
		svc, err := a.checkAdd(c, in, tid, opts.allowShared)
		if err != nil {
			return err
		}
		watch := usecase.CreateProgress{
			Code: func(code tenant.DeviceCode) {
				s := present.SignInOf(code, a.now())
				fmt.Fprintf(a.stderr, "To create the App registration of %s, the customer's admin (Global Administrator, or\nPrivileged Role Administrator and Application Administrator) opens\n\n    %s\n\non their own phone or computer and enters the code\n\n    %s\n\nIt expires in %d minutes, at %s. Waiting for the admin to sign in (ctrl+c stops)…\n",
					svc.Name, s.URL, s.Code, int(code.ExpiresAt.Sub(a.now()).Round(time.Minute).Minutes()), s.Expires)
			},
			Step: func(s tenant.CreationStep) {
				fmt.Fprintf(a.stderr, "  %s\n", present.StepLine(s))
				if s.Fix != "" && s.Status == tenant.StatusFail {
					fmt.Fprintf(a.stderr, "    Fix: %s\n", s.Fix)
				}
			},
			Check: a.checkProgress(),
		}
		creation, err := c.CreateApp(a.ctx, usecase.NewApp{TenantID: tid, ServiceName: svc.Name, SecretMonths: months}, watch)
		defer creation.Close()
		switch {
		case a.ctx.Err() != nil:
			a.cleanUp(c, creation, opts.keepCreated)
			return interruptedf("interrupted: service %s was not saved", svc.Name)
		case errors.Is(err, usecase.ErrCannotCreateApps) || tenant.IsRuleError(err):
			return err
		}
		park := false
		if err != nil {
			r := creation.Report
			if creation.Failure.Step == tenant.StepValidation && r != nil && r.CustomerSide() && opts.keepOnFailure {
				// The App registration is right; what fails is the
				// tenant's to fix (or still replicating): keep both.
				park = true
			} else {
				if r != nil {
					fmt.Fprintf(a.stderr, "Validation of the new App registration failed:\n")
					printChecks(a.stderr, r, clock)
				}
				a.cleanUp(c, creation, opts.keepCreated)
				return failedf("creating the App registration failed at %s, so service %s was not saved", strings.ToLower(creation.Failure.Step), svc.Name)
			}
		}
		cr := creation.Credentials
		in.UseKnownApp, in.TenantID, in.ClientID, in.Secret, in.AdminUser = true, cr.TenantID, cr.ClientID, cr.Secret.Reveal(), cr.AdminUPN
		in.Customer = svc.Customer
		saved, err := c.Create(usecase.NewService{Input: in, M365Domain: opts.m365Domain, Report: creation.Report, Park: park})
		if err != nil {
			fmt.Fprintf(a.stderr, "onboard: the App registration %q (Application ID %s) was created in the customer's tenant, but the service could not be saved: delete the App registration in the Entra admin center, or add the service with its own credentials.\n", creation.App.DisplayName, cr.ClientID)
			return storeError(fmt.Sprintf("save service %s", svc.Name), err)
		}
		return a.printAdded(saved, fmt.Sprintf("Created App registration %q (Application ID %s) and service %s (%s, validation %s); customer admin %s.",
			creation.App.DisplayName, cr.ClientID, saved.Name, saved.State.Title(), creation.Report.Status, present.Or(cr.AdminUPN)),
			"the new App registration", opts.asJSON, clock)
	})
}

// cleanUp lists on stderr what a failed creation made in the customer's
// tenant and removes it, unless keep.
func (a *app) cleanUp(c *usecase.Cases, creation *usecase.AppCreation, keep bool) {
	objs := creation.App.Objects()
	if len(objs) == 0 {
		fmt.Fprintln(a.stderr, "Nothing was created in the customer's tenant.")
		return
	}
	fmt.Fprintln(a.stderr, "Created in the customer's tenant:")
	for _, o := range objs {
		fmt.Fprintf(a.stderr, "  - %s\n", o)
	}
	if keep {
		fmt.Fprintf(a.stderr, "Kept (--keep-created): delete the App registration %q in the Entra admin center when it is not wanted.\n", creation.App.DisplayName)
		return
	}
	// The engineer's ctrl+c may have ended a.ctx: removal gets its own.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	removed, err := c.RemoveApp(ctx, creation)
	if len(removed) > 0 {
		fmt.Fprintln(a.stderr, "Removed:")
		for _, r := range removed {
			fmt.Fprintf(a.stderr, "  - %s\n", r)
		}
	}
	if err != nil {
		fix := ""
		var ce *tenant.CreateError
		if errors.As(err, &ce) && ce.Fix != "" {
			fix = " " + ce.Fix
		}
		fmt.Fprintf(a.stderr, "Could not remove everything: %v%s\n", err, fix)
	}
}
