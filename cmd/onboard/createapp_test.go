package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
)

// signInDirectory is the test directory with the demo's two tenants
// without an App registration, whose admins sign in (or decline) as soon
// as the code is issued.
func signInDirectory(now time.Time, decline bool) entrasim.Directory {
	d := testDirectory(now)
	for _, t := range entrasim.Demo(now).Tenants {
		if t.DeviceSignIn != nil {
			t.DeviceSignIn = &entrasim.DeviceSignIn{UPN: t.DeviceSignIn.UPN, Decline: decline}
			d.Tenants = append(d.Tenants, t)
		}
	}
	return d
}

func createArgs(customer, name, tenantID string, extra ...string) []string {
	return append([]string{"services", "add", "--customer", customer, "--name", name, "--license", "pro", "--users", "25",
		"--tenant-id", tenantID, "--create-app"}, extra...)
}

// appsOf is the App registrations of a tenant of the world's directory
// (name prefix), with their secrets.
func appsOf(w *world, tenantName string) []entrasim.App {
	var apps []entrasim.App
	w.srv.Update(func(d *entrasim.Directory) {
		for _, t := range d.Tenants {
			if strings.HasPrefix(t.DisplayName, tenantName) {
				apps = append(apps, t.Apps...)
			}
		}
	})
	return apps
}

func TestCreateAppUsageErrorsExit2BeforeAnyNetworkCall(t *testing.T) {
	w := newWorld(t, signInDirectory(time.Now(), false))
	w.must(t, 0, "", "customers", "add", "Tailwind")
	w.srv.ResetCounts()
	cases := map[string][]string{
		"with --client-id":              createArgs("Tailwind", "tw-dr1", "tailwindtraders.onmicrosoft.com", "--client-id", fxHealthy.clientID),
		"with --client-secret-stdin":    createArgs("Tailwind", "tw-dr1", "tailwindtraders.onmicrosoft.com", "--client-secret-stdin"),
		"with --admin":                  createArgs("Tailwind", "tw-dr1", "tailwindtraders.onmicrosoft.com", "--admin", "a@tailwindtraders.com"),
		"a lifetime of 18 months":       createArgs("Tailwind", "tw-dr1", "tailwindtraders.onmicrosoft.com", "--secret-months", "18"),
		"no tenant":                     createArgs("Tailwind", "tw-dr1", ""),
		"a bad short name":              createArgs("Tailwind", "x", "tailwindtraders.onmicrosoft.com"),
		"a missing customer":            createArgs("Nobody", "tw-dr1", "tailwindtraders.onmicrosoft.com"),
		"a sign-in app that is no GUID": createArgs("Tailwind", "tw-dr1", "tailwindtraders.onmicrosoft.com", "--signin-client-id", "graph-cli"),
		"--secret-months alone":         append(addArgs("Tailwind", "tw-dr1", fxHealthy), "--secret-months", "6"),
		"--keep-created alone":          append(addArgs("Tailwind", "tw-dr1", fxHealthy), "--keep-created"),
	}
	for name, args := range cases {
		r := w.run(t, fxHealthy.secret+"\n", nil, args...)
		if r.code != 2 || r.stderr == "" {
			t.Errorf("%s: %s", name, r)
		}
	}
	if n := w.networkCalls(); n != 0 {
		t.Errorf("%d requests for bad usage", n)
	}
}

// The whole path from the command line: the code on stderr, the admin
// signs in, the App registration is created and validated, and the
// service is saved with it; its secret is in no output, the database
// holds it sealed only, and it validates again.
func TestCreateAppSavesTheService(t *testing.T) {
	w := newWorld(t, signInDirectory(time.Now(), false))
	w.must(t, 0, "", "customers", "add", "Tailwind")
	r := w.must(t, 0, "", createArgs("Tailwind", "tw-dr1", "tailwindtraders.onmicrosoft.com", "--json", "--secret-months", "6")...)
	apps := appsOf(w, "Tailwind")
	if len(apps) != 1 || len(apps[0].Secrets) != 1 {
		t.Fatalf("apps %+v\n%s", apps, r)
	}
	app := apps[0]
	var got struct {
		Name, ClientID, AdminUser, State string
		LastValidation                   struct{ Status string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if got.ClientID != app.AppID || got.AdminUser != "admin@tailwindtraders.com" || got.State != "active" || got.LastValidation.Status != "pass" {
		t.Errorf("saved %+v", got)
	}
	for _, want := range []string{entrasim.VerificationURL, "enters the code", "Admin consent", "Client secret", "Validation"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if d := app.Secrets[0].EndDateTime.Sub(time.Now()); d < 175*24*time.Hour || d > 190*24*time.Hour {
		t.Errorf("a 6-month secret ends in %s", d)
	}
	secret := app.Secrets[0].Value
	if strings.Contains(r.stdout+r.stderr, secret) || strings.Contains(string(w.dbBytes(t)), secret) {
		t.Error("the new secret is in the output or unsealed in the database")
	}
	v := w.must(t, 0, "", "validate", "tw-dr1", "--json")
	rep := w.must(t, 0, "", "services", "report", "tw-dr1")
	for _, out := range []result{r, v, rep} {
		for _, form := range leakForms(secret) {
			if strings.Contains(out.stdout+out.stderr, form) {
				t.Errorf("the new secret is in the output as %q:\n%s", form, out)
			}
		}
	}
}

// An admin without the rights: the app is created, consent is refused
// with the right that is missing, what was created is listed and removed,
// nothing is saved, exit 1. --keep-created keeps it.
func TestCreateAppFailureRemovesWhatItCreated(t *testing.T) {
	w := newWorld(t, signInDirectory(time.Now(), false))
	w.must(t, 0, "", "customers", "add", "Wide World")
	r := w.must(t, 1, "", createArgs("Wide World", "ww-dr1", "wideworldimporters.onmicrosoft.com")...)
	for _, want := range []string{"Privileged Role Administrator or Global Administrator", "Created in the customer's tenant:", "App registration \"onboard – ww-dr1\"",
		"Removed:", "the service principal", "was not saved"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if apps := appsOf(w, "Wide World"); len(apps) != 0 {
		t.Errorf("%d App registrations left", len(apps))
	}
	w.withStore(t, func(st usecase.Store) {
		if _, err := st.GetService("ww-dr1"); err == nil {
			t.Error("a service was saved")
		}
	})
	r = w.must(t, 1, "", createArgs("Wide World", "ww-dr1", "wideworldimporters.onmicrosoft.com", "--keep-created")...)
	if !strings.Contains(r.stderr, "Kept (--keep-created)") || strings.Contains(r.stderr, "Removed:") || len(appsOf(w, "Wide World")) != 1 {
		t.Errorf("--keep-created:\n%s", r)
	}
}

// The admin declines: nothing is created, exit 1.
func TestCreateAppDeclined(t *testing.T) {
	w := newWorld(t, signInDirectory(time.Now(), true))
	w.must(t, 0, "", "customers", "add", "Tailwind")
	r := w.must(t, 1, "", createArgs("Tailwind", "tw-dr1", "tailwindtraders.onmicrosoft.com")...)
	if !strings.Contains(r.stderr, "declined") || !strings.Contains(r.stderr, "Nothing was created") || w.srv.Count(entrasim.KindGraph) != 0 {
		t.Errorf("declined:\n%s", r)
	}
}

// A Conditional Access policy blocks the new App registration's token:
// with --keep-on-failure the app is kept and the service saved pending
// authentication with it (exit 1, what comes next on stderr); without, it
// is removed and nothing saved.
func TestCreateAppParksWithKeepOnFailure(t *testing.T) {
	d := signInDirectory(time.Now(), false)
	for i := range d.Tenants {
		if strings.HasPrefix(d.Tenants[i].DisplayName, "Tailwind") {
			d.Tenants[i].Block = entrasim.BlockConditionalAccess
		}
	}
	w := newWorld(t, d)
	w.must(t, 0, "", "customers", "add", "Tailwind")
	r := w.must(t, 1, "", createArgs("Tailwind", "tw-dr1", "tailwindtraders.onmicrosoft.com")...)
	if !strings.Contains(r.stderr, "AADSTS53003") || !strings.Contains(r.stderr, "Removed:") || len(appsOf(w, "Tailwind")) != 0 {
		t.Errorf("blocked without --keep-on-failure:\n%s", r)
	}
	r = w.must(t, 1, "", createArgs("Tailwind", "tw-dr1", "tailwindtraders.onmicrosoft.com", "--keep-on-failure", "--json")...)
	if !strings.Contains(r.stderr, "onboard: service tw-dr1 was saved pending authentication with the new App registration") ||
		strings.Contains(r.stderr, "Removed:") || len(appsOf(w, "Tailwind")) != 1 {
		t.Errorf("blocked with --keep-on-failure:\n%s", r)
	}
	var got struct{ State string }
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.State != "pending-authentication" {
		t.Errorf("the parked service's JSON: %v\n%s", err, r.stdout)
	}
}
