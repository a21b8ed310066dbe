package wizard

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"onboard/tenant"
	"onboard/tenant/present"
	"onboard/tenant/usecase"
)

// The accessible mode's "Sign in as the customer's admin now": the same
// use case as signin.go, said line by line.

// errCancelOnboarding: the engineer cancelled the onboarding; nothing is
// saved.
var errCancelOnboarding = errors.New("onboarding cancelled")

// withoutApp asks what to do without a known App registration. It returns
// the passing report of an App registration created now (in then holds
// its credentials, UseKnownApp set), or nil to send instructions instead.
func (a *accessible) withoutApp(in *tenant.ServiceInput) (*tenant.ValidationReport, error) {
	how, err := a.choose("Without an App registration", []option{signInOption, instructionsOption})
	if err != nil || how != withoutAppSignIn {
		return nil, err
	}
	lifetimes := secretLifetimeOptions()
	for {
		if in.TenantID, err = a.ask("The customer's Tenant ID (GUID or domain)", in.TenantID, checkTenantID); err != nil {
			return nil, err
		}
		months, err := a.chooseFrom("Client secret lifetime (an empty line keeps 12 months)", lifetimes, strconv.Itoa(tenant.DefaultSecretMonths))
		if err != nil {
			return nil, err
		}
		n, _ := strconv.Atoi(months)
		a.say("Asking Entra ID for a sign-in code…")
		c, err := a.c.cases.CreateApp(a.ctx, usecase.NewApp{TenantID: in.TenantID, ServiceName: in.Name, SecretMonths: n}, usecase.CreateProgress{
			Code: func(code tenant.DeviceCode) {
				p := present.SignInOf(code, time.Now()) // MSAL's clock, as signin.go
				a.say(p.Instruction())
				a.say("The code, character by character: " + p.Spaced + ".")
				a.say("It expires at " + p.Expires + ". Waiting for the admin to sign in; ctrl+c stops.")
				if len(a.c.demo) > 0 {
					a.say("Demo: nobody can sign in to the simulated directory, so its admin signs in by itself a few seconds after the code is shown.")
				}
			},
			Step: func(s tenant.CreationStep) {
				a.say(present.StepLine(s))
				if s.Fix != "" && s.Status == tenant.StatusFail {
					a.say("  Fix: " + s.Fix)
				}
			},
			Check: a.sayCheck,
		})
		if err == nil {
			cr := c.Credentials
			in.TenantID, in.ClientID, in.Secret, in.AdminUser, in.UseKnownApp = cr.TenantID, cr.ClientID, cr.Secret.Reveal(), cr.AdminUPN, true
			a.say(fmt.Sprintf("Created App registration %q; its client secret is kept without being said; the customer admin is %s.", c.App.DisplayName, present.Or(cr.AdminUPN)))
			return c.Report, nil
		}
		if tenant.IsRuleError(err) {
			a.say(err.Error())
			continue
		}
		if a.ctx.Err() != nil {
			a.removeCreated(c, false)
			return nil, a.ctx.Err()
		}
		if err := a.removeCreated(c, true); err != nil {
			return nil, err
		}
		next, err := a.choose("Nothing was saved. What now?", []option{tryAgainOption, instructionsOption, {label: "Cancel onboarding", value: "cancel"}})
		switch {
		case err != nil:
			return nil, err
		case next == "cancel":
			return nil, errCancelOnboarding
		case next == withoutAppInstructions:
			return nil, nil
		}
	}
}

// removeCreated says what a failed creation created and removes it: after
// asking when ask, else at once (the session is ending).
func (a *accessible) removeCreated(c *usecase.AppCreation, ask bool) error {
	defer c.Close()
	objs := c.App.Objects()
	if len(objs) == 0 {
		a.say("Nothing was created in the customer's tenant.")
		return nil
	}
	a.say("Created in the customer's tenant:")
	for _, o := range objs {
		a.say("- " + o + ".")
	}
	if !c.CanRemove() {
		return nil
	}
	if ask {
		ok, err := a.confirm("Remove what was created from the customer's tenant?", true)
		if err != nil {
			return err
		}
		if !ok {
			a.say(fmt.Sprintf("Kept: delete the App registration %q in the Entra admin center when it is not wanted.", c.App.DisplayName))
			return nil
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	removed, err := a.c.cases.RemoveApp(ctx, c)
	for _, r := range removed {
		a.say("Removed " + r + ".")
	}
	if err != nil {
		a.say("Could not remove everything: " + err.Error())
	}
	return nil
}
