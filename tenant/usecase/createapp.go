package usecase

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"onboard/tenant"
)

// Creating the customer's App registration on the spot (docs/onboarding.md,
// step 7, "Sign in as the customer's admin now"), written once for the
// screens, the accessible mode and `services add --create-app`: the admin
// signs in with a device code, onboard creates the App registration step
// by step, validates it like any other (again and again, for a bounded
// time, while Entra ID replicates what was just created), and hands back
// the credentials to save. A failure keeps what was created listed, for
// the caller to remove (RemoveApp) or keep.

// AppCreator is what creating an App registration needs from the Entra ID
// client: the admin's device-code sign-in.
type AppCreator interface {
	// SignIn asks for a device code in the tenant (GUID or domain), hands
	// it to show and waits until the admin signed in with it, declined,
	// let it expire, or ctx ended. Its failures are *tenant.CreateError.
	SignIn(ctx context.Context, tenantID string, show func(tenant.DeviceCode)) (AdminSession, error)
}

// AdminSession is a signed-in admin's delegated access to the customer's
// tenant, held in memory only, until Close. Each step records in app what
// it created, even when it fails halfway; its failures are
// *tenant.CreateError.
type AdminSession interface {
	Admin() tenant.SignedInAdmin
	CreateApplication(ctx context.Context, app *tenant.CreatedApp) error
	CreateServicePrincipal(ctx context.Context, app *tenant.CreatedApp) error
	GrantPermissions(ctx context.Context, app *tenant.CreatedApp) error
	AssignRole(ctx context.Context, app *tenant.CreatedApp) error
	AddSecret(ctx context.Context, app *tenant.CreatedApp, expires time.Time) (tenant.Secret, error)
	// Remove deletes what app lists and says, in words, what it removed.
	Remove(ctx context.Context, app tenant.CreatedApp) ([]string, error)
	// Close forgets the admin's token.
	Close()
}

// SignInWith makes an AppCreator of a client whose SignIn returns its own
// session type (cmd wires entra.Creator's).
func SignInWith[S AdminSession](signIn func(context.Context, string, func(tenant.DeviceCode)) (S, error)) AppCreator {
	return signInFunc(func(ctx context.Context, tenantID string, show func(tenant.DeviceCode)) (AdminSession, error) {
		s, err := signIn(ctx, tenantID, show)
		if err != nil {
			return nil, err
		}
		return s, nil
	})
}

type signInFunc func(context.Context, string, func(tenant.DeviceCode)) (AdminSession, error)

func (f signInFunc) SignIn(ctx context.Context, tenantID string, show func(tenant.DeviceCode)) (AdminSession, error) {
	return f(ctx, tenantID, show)
}

// creating is how the use cases create App registrations.
type creating struct {
	creator      AppCreator
	wait, budget time.Duration
}

// ErrCannotCreateApps: the use cases were set up without an AppCreator.
var ErrCannotCreateApps = errors.New("creating App registrations is not set up")

// CanCreateApps reports whether CreateApp can run: the screens offer
// "Sign in as the customer's admin now" only then.
func (c *Cases) CanCreateApps() bool { return c.apps.creator != nil }

// CreateProgress receives what happens while an App registration is
// created; any field may be nil, and calls are never concurrent.
type CreateProgress struct {
	// Code is the device code to show the admin, once it is issued.
	Code func(tenant.DeviceCode)
	// Step is every step as it ends (a warn: it is tried again).
	Step func(tenant.CreationStep)
	// Check is every check of the validations, as it completes; a
	// validation tried again starts after a StepValidation warn.
	Check func(tenant.Check)
}

func (w CreateProgress) step(s tenant.CreationStep) {
	if w.Step != nil {
		w.Step(s)
	}
}

// NewApp is the App registration to create.
type NewApp struct {
	// TenantID is the customer's tenant as typed (GUID or domain).
	TenantID string
	// ServiceName is the service's short name: the App registration is
	// called tenant.AppDisplayName(ServiceName).
	ServiceName string
	// SecretMonths is the client secret's lifetime: 6, 12 or 24 (0 = 12).
	SecretMonths int
}

// AppCreation is what CreateApp did.
type AppCreation struct {
	// Admin is who signed in (empty when the sign-in failed).
	Admin tenant.SignedInAdmin
	// App is what was created in the customer's tenant.
	App tenant.CreatedApp
	// Credentials are the new App registration's (set once its secret
	// exists): the tenant's GUID, the Application ID, the secret, and the
	// admin as the service's customer admin.
	Credentials tenant.Credentials
	// Report is the last validation; Validations how many were run.
	Report      *tenant.ValidationReport
	Validations int
	// Failure is the step that failed (nil: the App registration passed
	// validation).
	Failure *tenant.CreateError
	// Removed is what RemoveApp removed, in words.
	Removed []string

	session AdminSession
	removed bool // everything created was removed
}

// Close forgets the admin's token; RemoveApp cannot run after it.
func (a *AppCreation) Close() {
	if a != nil && a.session != nil {
		a.session.Close()
		a.session = nil
	}
}

// CanRemove reports whether something created can still be removed with
// the admin's sign-in.
func (a *AppCreation) CanRemove() bool {
	return a != nil && a.session != nil && a.App.Any() && !a.removed
}

// CreateApp has the customer's admin sign in, creates the App registration
// (app, service principal, admin consent, Teams Administrator, a secret),
// and validates the new credentials, again while Entra ID replicates them.
// It always returns what it did; the error is nil when the App
// registration passed validation, a *tenant.RuleError for bad input
// (nothing was sent), else the failed step's *tenant.CreateError. On
// success the admin's token is forgotten at once; on failure it is kept
// for RemoveApp until Close.
func (c *Cases) CreateApp(ctx context.Context, req NewApp, watch CreateProgress) (*AppCreation, error) {
	a := &AppCreation{}
	if c.apps.creator == nil {
		return a, ErrCannotCreateApps
	}
	months := cmp.Or(req.SecretMonths, tenant.DefaultSecretMonths)
	tid, _, err := tenant.ParseTenantID(req.TenantID)
	if err == nil {
		err = tenant.CheckShortName(req.ServiceName)
	}
	if err == nil {
		err = tenant.CheckSecretMonths(months)
	}
	if err != nil {
		return a, err
	}
	fail := func(err error) (*AppCreation, error) {
		var ce *tenant.CreateError
		if !errors.As(err, &ce) {
			ce = &tenant.CreateError{Step: tenant.StepSignIn, Detail: err.Error()}
		}
		a.Failure = ce
		watch.step(tenant.CreationStep{Name: ce.Step, Status: tenant.StatusFail, Detail: ce.Detail, Fix: ce.Fix})
		return a, ce
	}

	s, err := c.apps.creator.SignIn(ctx, tid, watch.Code)
	if err != nil {
		return fail(err)
	}
	a.session, a.Admin = s, s.Admin()
	who := cmp.Or(a.Admin.UPN, "the customer's admin")
	watch.step(tenant.CreationStep{Name: tenant.StepSignIn, Status: tenant.StatusPass,
		Detail: fmt.Sprintf("Signed in as %s to tenant %s.", who, cmp.Or(a.Admin.TenantID, tid))})

	a.App.DisplayName = tenant.AppDisplayName(req.ServiceName)
	steps := []struct {
		name string
		run  func(context.Context, *tenant.CreatedApp) error
		done func(app tenant.CreatedApp) string
	}{
		{tenant.StepApplication, s.CreateApplication, func(app tenant.CreatedApp) string {
			return fmt.Sprintf("Created App registration %q, Application ID %s.", app.DisplayName, app.AppID)
		}},
		{tenant.StepServicePrincipal, s.CreateServicePrincipal, func(app tenant.CreatedApp) string {
			return "Created its service principal (Enterprise application) " + app.ServicePrincipalID + "."
		}},
		{tenant.StepConsent, s.GrantPermissions, func(app tenant.CreatedApp) string {
			return "Granted admin consent for Microsoft Graph " + strings.Join(app.Permissions, ", ") + "."
		}},
		{tenant.StepRole, s.AssignRole, func(app tenant.CreatedApp) string {
			return "Assigned " + app.Role + " to the service principal, for the whole tenant."
		}},
	}
	for _, st := range steps {
		if err := st.run(ctx, &a.App); err != nil {
			return fail(err)
		}
		watch.step(tenant.CreationStep{Name: st.name, Status: tenant.StatusPass, Detail: st.done(a.App)})
	}
	secret, err := s.AddSecret(ctx, &a.App, c.now().AddDate(0, months, 0))
	if err != nil {
		return fail(err)
	}
	expires := ""
	if at := a.App.SecretExpiresAt; at != nil {
		expires = ", expiring " + at.UTC().Format("2006-01-02")
	}
	watch.step(tenant.CreationStep{Name: tenant.StepSecret, Status: tenant.StatusPass,
		Detail: fmt.Sprintf("Added a client secret (%d months%s). Nobody sees its value: it goes straight into onboard's sealed store.", months, expires)})

	a.Credentials = tenant.Credentials{TenantID: cmp.Or(a.Admin.TenantID, tid), ClientID: a.App.AppID, Secret: secret, AdminUPN: a.Admin.UPN}
	a.Report = c.validateCreated(ctx, a, watch)
	if ctx.Err() != nil {
		return fail(&tenant.CreateError{Step: tenant.StepValidation, Cancelled: true, Detail: "Cancelled while validating the new App registration."})
	}
	if !a.Report.Passed() {
		return fail(validationFailure(a.Report, a.Validations))
	}
	watch.step(tenant.CreationStep{Name: tenant.StepValidation, Status: tenant.StatusPass, Detail: validatedText(a.Report, a.Validations)})
	a.Close()
	return a, nil
}

// validateCreated validates the new credentials, and again, within the
// replication budget, while Entra ID has not replicated what was just
// created: the app (AADSTS700016), its service principal (7000229), its
// secret (7000215), or — for an app onboard has just granted them — its
// role or permissions not in the token yet.
func (c *Cases) validateCreated(ctx context.Context, a *AppCreation, watch CreateProgress) *tenant.ValidationReport {
	wait, budget := c.apps.wait, c.apps.budget
	if wait <= 0 {
		wait = 2 * time.Second
	}
	if budget <= 0 {
		budget = 2 * time.Minute
	}
	give := time.Now().Add(budget)
	for {
		a.Validations++
		r := c.Validate(ctx, a.Credentials, watch.Check)
		why := notReplicated(r)
		if ctx.Err() != nil || why == "" || time.Now().Add(wait).After(give) {
			return r
		}
		watch.step(tenant.CreationStep{Name: tenant.StepValidation, Status: tenant.StatusWarn,
			Detail: fmt.Sprintf("Entra ID has not replicated the new App registration everywhere yet (%s); validating again in %s (try %d).", why, wait, a.Validations+1)})
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return r
		case <-t.C:
		}
		wait = min(wait*3/2, 10*time.Second)
	}
}

// replicationCodes are what Entra ID answers for a new App registration,
// service principal or secret it has not replicated yet.
var replicationCodes = map[string]string{
	"AADSTS700016":  "the app is not known yet, AADSTS700016",
	"AADSTS7000229": "its service principal is not known yet, AADSTS7000229",
	"AADSTS7000215": "its secret is not known yet, AADSTS7000215",
}

// notReplicated says why a report of a just-created App registration
// looks like replication rather than a real failure; "" when it does not.
func notReplicated(r *tenant.ValidationReport) string {
	if why, ok := replicationCodes[r.AADSTS]; ok {
		return why
	}
	for _, ch := range r.Checks {
		switch {
		case ch.Name == tenant.CheckRole && ch.Status == tenant.StatusFail:
			return "the Teams Administrator role is not in its token yet"
		case ch.Name == tenant.CheckPermissions && ch.Status != tenant.StatusPass:
			return "the Graph permissions are not in its token yet"
		}
	}
	return ""
}

// validationFailure words a created App registration that did not pass.
func validationFailure(r *tenant.ValidationReport, tries int) *tenant.CreateError {
	e := &tenant.CreateError{Step: tenant.StepValidation, Code: r.AADSTS, RequestID: r.CorrelationID}
	var first *tenant.Check
	for i := range r.Checks {
		if r.Checks[i].Status == tenant.StatusFail {
			first = &r.Checks[i]
			break
		}
	}
	detail, fix := "its validation failed", ""
	if first != nil {
		detail, fix = first.Name+": "+first.Detail, first.Fix
	}
	if why := notReplicated(r); why != "" {
		e.Detail = fmt.Sprintf("The App registration was created, but Entra ID had still not replicated it after %d validations (%s): %s", tries, why, detail)
		e.Fix = "Keep it and validate the service again in a few minutes (it usually takes less than one), or remove it and try again."
		return e
	}
	e.Detail = "The App registration was created, but its validation failed: " + detail
	e.Fix = fix
	return e
}

func validatedText(r *tenant.ValidationReport, tries int) string {
	again := ""
	if tries > 1 {
		again = fmt.Sprintf(" (try %d, once Entra ID had replicated it)", tries)
	}
	if r.Status == tenant.StatusWarn {
		return "Validated with warnings" + again + ": the credentials work and Direct Routing can be configured."
	}
	return "Validated" + again + ": the credentials work and Direct Routing can be configured."
}

// RemoveApp deletes what a failed CreateApp created, with the admin's
// sign-in it still holds, and forgets the sign-in. It returns what it
// removed, in words (also kept in a.Removed).
func (c *Cases) RemoveApp(ctx context.Context, a *AppCreation) ([]string, error) {
	if !a.CanRemove() {
		if a != nil && a.App.Any() && !a.removed {
			return nil, &tenant.CreateError{Step: tenant.StepRemoval, Detail: "The admin's sign-in is over: what was created cannot be removed from here.",
				Fix: "Delete the App registration " + a.App.DisplayName + " in the Entra admin center > Identity > Applications > App registrations (its service principal goes with it)."}
		}
		return nil, nil
	}
	removed, err := a.session.Remove(ctx, a.App)
	a.Removed = append(a.Removed, removed...)
	if err != nil {
		return removed, err
	}
	a.removed = true
	a.Close()
	return removed, nil
}
