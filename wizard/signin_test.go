package wizard

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
)

const (
	tailwindDomain  = "tailwindtraders.onmicrosoft.com"
	wideWorldDomain = "wideworldimporters.onmicrosoft.com"
)

// signInEnv is the demo directory whose sign-in tenants' admins sign in as
// soon as the code is issued (atOnce), or wait for the test (!atOnce).
func signInEnv(t *testing.T, atOnce bool) *env {
	t.Helper()
	d := entrasim.Demo(testNow)
	for i := range d.Tenants {
		if s := d.Tenants[i].DeviceSignIn; s != nil {
			d.Tenants[i].DeviceSignIn = nil
			if atOnce {
				d.Tenants[i].DeviceSignIn = &entrasim.DeviceSignIn{UPN: s.UPN}
			}
		}
	}
	return newEnv(t, d)
}

// creating is options whose use cases create App registrations through
// the real MSAL public client.
func (e *env) creating(t *testing.T) Options {
	t.Helper()
	cr, err := entra.NewCreator(e.v, "")
	if err != nil {
		t.Fatal(err)
	}
	return Options{Cases: usecase.New(e.store, e.v, usecase.Options{Now: nowFn, Creator: usecase.SignInWith(cr.SignIn), ReplicationWait: time.Millisecond})}
}

// createdApp is the only App registration of a tenant of the directory.
func (e *env) createdApp(t *testing.T, tenantName string) (entrasim.App, bool) {
	t.Helper()
	var apps []entrasim.App
	e.srv.Update(func(d *entrasim.Directory) {
		for _, ten := range d.Tenants {
			if ten.DisplayName == tenantName {
				apps = ten.Apps
			}
		}
	})
	if len(apps) != 1 {
		return entrasim.App{}, false
	}
	return apps[0], true
}

// The whole path in the full-screen wizard: uncheck, sign in now, the
// code shown large, the App registration created and validated, the
// result with the new credentials, Create service. The new secret is in
// no frame ever written.
func TestCreateAppInTheWizard(t *testing.T) {
	e := signInEnv(t, true)
	p := startProg(t, e.creating(t))
	p.toKnownApp("Tailwind Traders", "tw-dr1", "")
	p.typ(" ")
	p.waitFor("(•) Sign in as the customer's admin now")
	p.enter()
	p.waitFor("Client secret lifetime")
	p.typ(tailwindDomain)
	p.enter()
	p.waitFor("passed")
	p.waitFor(`Created App registration "onboard – tw-dr1"`)
	// Cancelling now would leave the working app behind: the choice says so.
	p.waitFor("nothing is saved; the new app stays in the tenant")
	p.enter() // Next
	p.waitFor("M365 domain")
	p.enter()
	p.waitFor("Create service")
	p.enter()
	p.waitFor("M365 Configuration")
	p.quit()

	app, ok := e.createdApp(t, "Tailwind Traders")
	if !ok || len(app.Secrets) != 1 {
		t.Fatalf("created %+v", app)
	}
	secret := app.Secrets[0].Value
	svc, err := e.store.GetService("tw-dr1")
	if err != nil {
		t.Fatal(err)
	}
	if svc.App.ClientID != app.AppID || svc.App.Secret.Reveal() != secret || svc.App.AdminUser != "admin@tailwindtraders.com" ||
		svc.State != tenant.StateActive || svc.LastValidation.Status != tenant.StatusPass {
		t.Errorf("saved %+v", svc)
	}
	all := ansi.Strip(p.all.String())
	for _, want := range []string{entrasim.VerificationURL, "enter this code", "Waiting for the admin to sign in", "▀▀"} {
		if !strings.Contains(all, want) {
			t.Errorf("no frame showed %q", want)
		}
	}
	noSecret(t, "a frame of the wizard", all, secret)
}

// Every frame of the synchronous driver, from the sign-in to the saved
// service, is free of the new secret (h.secrets cannot name it before it
// exists: the frames are kept and scanned once it does).
func TestCreateAppFramesNeverShowTheSecret(t *testing.T) {
	e := signInEnv(t, true)
	h := newHarness(t, e.creating(t))
	var frames []string
	h.seen = func(tea.Msg) { frames = append(frames, h.view()) }
	h.enter() // Add service
	h.toKnownApp("Tailwind Traders", "tw-dr1")
	h.typ(" ") // uncheck
	h.enter()  // Sign in as the customer's admin now
	h.typ(tailwindDomain)
	h.key(tea.KeyTab)
	h.key(tea.KeyRight) // 24 months
	h.enter()
	h.contains("Validation result")
	h.contains("passed")
	h.esc() // edit credentials: the new ones are filled in, the secret masked
	h.contains(strings.Repeat("•", 40))
	h.contains("admin@tailwindtraders.com")
	h.enter() // validate them again
	h.contains("passed")
	h.enter() // Next
	h.enter() // M365 domain
	h.enter() // Create service
	h.contains("M365 Configuration")
	app, ok := e.createdApp(t, "Tailwind Traders")
	if !ok {
		t.Fatal("no App registration created")
	}
	if d := app.Secrets[0].EndDateTime.Sub(testNow); d < 720*24*time.Hour {
		t.Errorf("a 24-month secret ends in %s", d)
	}
	steps := map[string]bool{}
	for i, f := range frames {
		noSecret(t, fmt.Sprintf("frame %d", i), f, app.Secrets[0].Value)
		for _, s := range []string{"✓ Admin sign-in", "✓ App registration", "✓ Service principal", "✓ Admin consent", "✓ Entra role", "✓ Client secret"} {
			steps[s] = steps[s] || strings.Contains(f, s)
		}
	}
	for s, seen := range steps {
		if !seen {
			t.Errorf("no frame showed %q as it ended", s)
		}
	}
	if len(frames) < 20 {
		t.Errorf("only %d frames scanned", len(frames))
	}
}

// An admin without the rights: the failure names the missing right and
// what was created, Remove takes it away, and the engineer can still send
// the instructions instead.
func TestCreateAppFailureOffersRemoval(t *testing.T) {
	e := signInEnv(t, true)
	h := newHarness(t, e.creating(t))
	h.enter() // Add service
	h.toKnownApp("Wide World Importers", "ww-dr1")
	h.typ(" ")
	h.enter()
	h.typ(wideWorldDomain)
	h.enter()
	h.contains("Privileged Role Administrator or Global Administrator")
	h.contains("Created in the customer's tenant:")
	h.contains(`App registration "onboard – ww-dr1"`)
	h.contains("> Remove what was created")
	h.esc() // not before remove or keep
	h.contains("Choose Remove what was created or Keep it first")
	h.enter() // Remove
	h.contains("Removed the service principal")
	if _, ok := e.createdApp(t, "Wide World Importers"); ok {
		t.Error("the App registration is still there")
	}
	h.key(tea.KeyDown)
	h.enter() // Send instructions to the admin
	h.contains("pending authentication")
	h.enter() // Create service
	h.contains("Send this to the customer's admin")
	svc, err := e.store.GetService("ww-dr1")
	if err != nil || svc.State != tenant.StatePendingAuth || svc.HasCredentials() {
		t.Errorf("saved %+v: %v", svc, err)
	}
}

// Esc while the code is shown cancels the sign-in: nothing is created and
// the form is back. The code is shown large, with its countdown.
func TestCreateAppCancelWhileTheCodeIsShown(t *testing.T) {
	e := signInEnv(t, false)
	opts := e.creating(t)
	opts.Demo = demoList()
	p := startProg(t, opts)
	p.waitFor("Demo tenants")
	p.enter() // main menu
	p.toKnownApp("Tailwind Traders", "tw-dr1", "")
	p.typ(" ")
	p.enter()
	p.waitFor("Client secret lifetime")
	p.typ(tailwindDomain)
	p.enter()
	p.waitFor("The code expires in 1")
	p.waitFor("Demo: nobody can sign in")
	codes := e.srv.WaitingSignIns()
	if len(codes) != 1 {
		t.Fatalf("waiting sign-ins %v", codes)
	}
	spaced := strings.Join(strings.Split(codes[0], ""), " ")
	p.waitFor(spaced)
	p.esc()
	p.waitFor("Stopped before anything was created")
	p.quit()
	if n := e.srv.Count(entrasim.KindGraph); n != 0 {
		t.Errorf("%d Graph requests after a cancelled sign-in", n)
	}
}

// Without a creator the App registration step is as before: unchecked,
// Enter goes to the summary.
func TestKnownAppStepWithoutACreator(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	h := newHarness(t, e.options())
	h.enter() // Add service
	h.toKnownApp("Fourth Coffee", "4c-1")
	h.typ(" ")
	if strings.Contains(h.view(), "Sign in as the customer's admin now") {
		t.Error("sign-in offered without a creator")
	}
	h.enter()
	h.contains("Summary")
}

// The accessible mode creates the App registration too, said line by line.
func TestAccessibleModeCreatesTheAppRegistration(t *testing.T) {
	e := signInEnv(t, true)
	lines := []string{
		"1",                // Add service
		"Tailwind Traders", // a new customer
		"tw-a11y",          // short name
		"",                 // full name
		"2",                // Hosted Pro
		"12",               // users
		"n",                // no known App registration
		"1",                // Sign in as the customer's admin now
		tailwindDomain,     // Tenant ID
		"",                 // 12 months
		"",                 // M365 domain
		"1",                // service page: Back
		"5",                // Quit
	}
	var out bytes.Buffer
	opts := e.creating(t)
	opts.Accessible = true
	opts.Input = strings.NewReader(strings.Join(lines, "\n") + "\n")
	opts.Output = &out
	if err := Run(t.Context(), opts); err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	svc, err := e.store.GetService("tw-a11y")
	if err != nil {
		t.Fatalf("not saved: %v\n%s", err, out.String())
	}
	text := out.String()
	noSecret(t, "the accessible mode's output", text, svc.App.Secret.Reveal())
	for _, want := range []string{"opens https://microsoft.com/devicelogin and enters the code", "The code, character by character:",
		"✓ Admin consent", "✓ Validation", "Service tw-a11y created."} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if svc.App.AdminUser != "admin@tailwindtraders.com" || svc.State != tenant.StateActive {
		t.Errorf("saved %+v", svc)
	}
}
