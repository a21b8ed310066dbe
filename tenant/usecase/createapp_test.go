package usecase_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
)

const (
	tailwind  = "tailwindtraders.onmicrosoft.com"
	wideWorld = "wideworldimporters.onmicrosoft.com"
)

// createRig is newRig with the use cases able to create App registrations
// through the real MSAL public client; signIn decides what the admins of
// the demo's sign-in tenants do with the code (nil: they wait for the
// test).
func createRig(t *testing.T, signIn func(upn string) *entrasim.DeviceSignIn, opts usecase.Options) *rig {
	t.Helper()
	dir := entrasim.Demo(testNow)
	for i := range dir.Tenants {
		if s := dir.Tenants[i].DeviceSignIn; s != nil {
			dir.Tenants[i].DeviceSignIn = nil
			if signIn != nil {
				dir.Tenants[i].DeviceSignIn = signIn(s.UPN)
			}
		}
	}
	r := newRig(t, dir)
	cr, err := entra.NewCreator(r.v, "")
	if err != nil {
		t.Fatal(err)
	}
	opts.Now, opts.Actor, opts.Creator = nowFn, usecase.Actor{Engineer: "alice"}, usecase.SignInWith(cr.SignIn)
	if opts.ReplicationWait == 0 {
		opts.ReplicationWait = time.Millisecond
	}
	r.cases = usecase.New(r.st, r.v, opts)
	return r
}

// atOnce: the admin signs in as soon as the code is issued.
func atOnce(upn string) *entrasim.DeviceSignIn { return &entrasim.DeviceSignIn{UPN: upn} }

// watched records everything a creation reported.
type watched struct {
	codes  []tenant.DeviceCode
	steps  []tenant.CreationStep
	checks []tenant.Check
}

func (w *watched) progress() usecase.CreateProgress {
	return usecase.CreateProgress{
		Code:  func(c tenant.DeviceCode) { w.codes = append(w.codes, c) },
		Step:  func(s tenant.CreationStep) { w.steps = append(w.steps, s) },
		Check: func(c tenant.Check) { w.checks = append(w.checks, c) },
	}
}

func (w *watched) text() string {
	var b strings.Builder
	for _, s := range w.steps {
		fmt.Fprintf(&b, "%s %s: %s %s\n", s.Status.Symbol(), s.Name, s.Detail, s.Fix)
	}
	for _, c := range w.checks {
		fmt.Fprintf(&b, "  %s %s: %s %s\n", c.Status.Symbol(), c.Name, c.Detail, c.Fix)
	}
	return b.String()
}

func (w *watched) names(st tenant.Status) []string {
	var out []string
	for _, s := range w.steps {
		if s.Status == st {
			out = append(out, s.Name)
		}
	}
	return out
}

// The whole path: sign-in, eight Graph writes, a passing validation, and
// the service saved with the new credentials, the admin as its customer
// admin. The secret is in no step, check, JSON or the store's listing.
func TestCreateAppThenSaveTheService(t *testing.T) {
	r := createRig(t, atOnce, usecase.Options{})
	var w watched
	r.srv.ResetCounts()
	a, err := r.cases.CreateApp(t.Context(), usecase.NewApp{TenantID: tailwind, ServiceName: "tw-dr1"}, w.progress())
	if err != nil {
		t.Fatalf("create: %v\n%s", err, w.text())
	}
	want := []string{tenant.StepSignIn, tenant.StepApplication, tenant.StepServicePrincipal, tenant.StepConsent, tenant.StepRole, tenant.StepSecret, tenant.StepValidation}
	if got := w.names(tenant.StatusPass); strings.Join(got, ",") != strings.Join(want, ",") || len(w.codes) != 1 {
		t.Errorf("steps %v, codes %d", got, len(w.codes))
	}
	if !a.Report.Passed() || a.Report.Status != tenant.StatusPass || a.Validations != 1 || a.CanRemove() {
		t.Errorf("report %s after %d validations, can remove %v", a.Report.Status, a.Validations, a.CanRemove())
	}
	c := r.srv.Counts()
	if c[entrasim.KindDeviceCode] != 1 || c[entrasim.KindGraph] != 8+4 {
		t.Errorf("requests %v: want one device code, 8 Graph writes and 4 Graph reads of the validation", c)
	}
	cr := a.Credentials
	if cr.TenantID != "6a0b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c72" || cr.ClientID != a.App.AppID || cr.AdminUPN != "admin@tailwindtraders.com" || cr.Secret.IsZero() {
		t.Errorf("credentials %+v", cr)
	}
	in := tenant.ServiceInput{Customer: "Tailwind Traders", Name: "tw-dr1", License: "pro", Users: "20", UseKnownApp: true,
		TenantID: cr.TenantID, ClientID: cr.ClientID, Secret: cr.Secret.Reveal(), AdminUser: cr.AdminUPN}
	svc, err := r.cases.Create(usecase.NewService{Input: in, NewCustomer: true, Report: a.Report})
	if err != nil {
		t.Fatal(err)
	}
	if svc.State != tenant.StateActive || svc.App.Secret.Reveal() != cr.Secret.Reveal() || svc.App.AdminUser != "admin@tailwindtraders.com" ||
		svc.M365Domain != tailwind || svc.LastValidation.Trigger != tenant.TriggerCreated {
		t.Errorf("saved %+v", svc)
	}
	js, _ := json.Marshal(a)
	sums, _ := r.st.ListSummaries()
	listed, _ := json.Marshal(sums)
	for where, text := range map[string]string{"steps and checks": w.text(), "the creation as JSON": string(js), "%+v": fmt.Sprintf("%+v", a), "the listing": string(listed)} {
		if strings.Contains(text, cr.Secret.Reveal()) {
			t.Errorf("the new secret is in %s", where)
		}
	}
}

// An Application Administrator: the App registration and its service
// principal are created, admin consent is refused with the right that is
// missing, and removing takes both away.
func TestCreateAppWithoutTheRightsRemovesWhatItCreated(t *testing.T) {
	r := createRig(t, atOnce, usecase.Options{})
	var w watched
	a, err := r.cases.CreateApp(t.Context(), usecase.NewApp{TenantID: wideWorld, ServiceName: "ww-dr1", SecretMonths: 6}, w.progress())
	var ce *tenant.CreateError
	if !errors.As(err, &ce) || ce.Step != tenant.StepConsent || a.Failure != ce || !strings.Contains(ce.MissingRight, "Privileged Role Administrator") {
		t.Fatalf("%#v\n%s", err, w.text())
	}
	if fails := w.names(tenant.StatusFail); len(fails) != 1 || fails[0] != tenant.StepConsent {
		t.Errorf("failed steps %v", fails)
	}
	if objs := a.App.Objects(); len(objs) != 2 || !a.CanRemove() || a.Report != nil {
		t.Fatalf("created %v (can remove %v)", objs, a.CanRemove())
	}
	removed, err := r.cases.RemoveApp(t.Context(), a)
	if err != nil || len(removed) != 2 || a.CanRemove() {
		t.Fatalf("removed %v: %v", removed, err)
	}
	r.srv.Update(func(d *entrasim.Directory) {
		for _, ten := range d.Tenants {
			if ten.DisplayName == "Wide World Importers" && len(ten.Apps) != 0 {
				t.Errorf("%d App registrations left", len(ten.Apps))
			}
		}
	})
	if again, err := r.cases.RemoveApp(t.Context(), a); again != nil || err != nil {
		t.Errorf("removing twice: %v %v", again, err)
	}
}

// The admin declines, or lets the code expire: nothing is created and no
// Graph request is made.
func TestCreateAppSignInThatDoesNotComplete(t *testing.T) {
	declining := createRig(t, func(upn string) *entrasim.DeviceSignIn { return &entrasim.DeviceSignIn{UPN: upn, Decline: true} }, usecase.Options{})
	waiting := createRig(t, nil, usecase.Options{})
	expire := usecase.CreateProgress{Code: func(tenant.DeviceCode) { waiting.srv.ExpireDeviceCodes() }}
	for _, c := range []struct {
		name  string
		r     *rig
		watch usecase.CreateProgress
		code  string
	}{
		{"declined", declining, usecase.CreateProgress{}, "AADSTS65004"},
		{"expired", waiting, expire, "AADSTS70019"},
	} {
		a, err := c.r.cases.CreateApp(t.Context(), usecase.NewApp{TenantID: tailwind, ServiceName: "tw-dr1"}, c.watch)
		var ce *tenant.CreateError
		if !errors.As(err, &ce) || ce.Step != tenant.StepSignIn || ce.Code != c.code || a.App.Any() || a.CanRemove() {
			t.Errorf("%s: %#v", c.name, err)
		}
		if n := c.r.srv.Count(entrasim.KindGraph); n != 0 {
			t.Errorf("%s: %d Graph requests", c.name, n)
		}
	}
}

// While Entra ID replicates the new secret, validation is tried again:
// the lag of three refusals (700016, 7000229, 7000215) ends in a pass on
// the fourth try.
func TestCreateAppWaitsForReplication(t *testing.T) {
	r := createRig(t, atOnce, usecase.Options{})
	r.srv.SetReplicationLag(3)
	var w watched
	a, err := r.cases.CreateApp(t.Context(), usecase.NewApp{TenantID: tailwind, ServiceName: "tw-dr1"}, w.progress())
	if err != nil {
		t.Fatalf("%v\n%s", err, w.text())
	}
	if a.Validations != 4 || a.Report.Status != tenant.StatusPass {
		t.Errorf("%d validations, %s", a.Validations, a.Report.Status)
	}
	var waits []string
	for _, s := range w.steps {
		if s.Status == tenant.StatusWarn {
			waits = append(waits, s.Detail)
		}
	}
	for i, code := range []string{"AADSTS700016", "AADSTS7000229", "AADSTS7000215"} {
		if len(waits) != 3 || !strings.Contains(waits[i], code) || !strings.Contains(waits[i], fmt.Sprintf("try %d", i+2)) {
			t.Errorf("waits %q, want %s in the %d.", waits, code, i+1)
		}
	}
}

// Replication that outlasts the budget: the creation fails at validation,
// saying so, and what was created can be removed.
func TestCreateAppGivesUpOnReplicationWithinItsBudget(t *testing.T) {
	r := createRig(t, atOnce, usecase.Options{ReplicationWait: 5 * time.Millisecond, ReplicationBudget: 20 * time.Millisecond})
	r.srv.SetReplicationLag(1000)
	a, err := r.cases.CreateApp(t.Context(), usecase.NewApp{TenantID: tailwind, ServiceName: "tw-dr1"}, usecase.CreateProgress{})
	var ce *tenant.CreateError
	if !errors.As(err, &ce) || ce.Step != tenant.StepValidation || !strings.Contains(ce.Detail, "still not replicated") || a.Validations < 1 || a.Validations > 20 {
		t.Fatalf("%#v after %d validations", err, a.Validations)
	}
	if removed, err := r.cases.RemoveApp(t.Context(), a); err != nil || len(removed) != 2 {
		t.Errorf("removed %v: %v", removed, err)
	}
}

// Bad input is refused before anything is sent; without a creator
// nothing can be created.
func TestCreateAppInputRules(t *testing.T) {
	r := createRig(t, atOnce, usecase.Options{})
	for _, req := range []usecase.NewApp{
		{TenantID: "not a tenant", ServiceName: "tw-dr1"},
		{TenantID: tailwind, ServiceName: "x"},
		{TenantID: tailwind, ServiceName: "tw-dr1", SecretMonths: 18},
	} {
		if _, err := r.cases.CreateApp(t.Context(), req, usecase.CreateProgress{}); !tenant.IsRuleError(err) {
			t.Errorf("%+v: %v", req, err)
		}
	}
	if n := len(r.srv.Counts()); n != 0 {
		t.Errorf("requests for bad input: %v", r.srv.Counts())
	}
	plain := newRig(t, entrasim.Demo(testNow))
	if plain.cases.CanCreateApps() {
		t.Error("use cases without a creator say they can create apps")
	}
	if _, err := plain.cases.CreateApp(context.Background(), usecase.NewApp{TenantID: tailwind, ServiceName: "tw-dr1"}, usecase.CreateProgress{}); !errors.Is(err, usecase.ErrCannotCreateApps) {
		t.Errorf("without a creator: %v", err)
	}
}
