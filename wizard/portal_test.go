package wizard

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/entrasim"
)

// rotatedSecret is a second, newer secret of Contoso's App registration:
// what the admin creates when the first one is about to expire.
const rotatedSecret = "Nq58Q~Rotated7Secret2For9The4Portal1Test"

func directoryWithRotatedSecret() entrasim.Directory {
	d := entrasim.Demo(testNow)
	app := &d.Tenants[0].Apps[0]
	app.Secrets = append(app.Secrets, entrasim.Secret{
		Value: rotatedSecret, KeyID: "12121212-1212-4121-8121-121212121212", DisplayName: "rotated",
		StartDateTime: testNow.Add(-time.Hour), EndDateTime: testNow.AddDate(0, 0, 700).Add(time.Hour),
	})
	return d
}

func TestServicePageRevalidatesAndReplacesSecretOnlyAfterItPasses(t *testing.T) {
	e := newEnv(t, directoryWithRotatedSecret())
	d := demoTenant(t, "Contoso")
	e.validated(t, "ctso-dr1", "Contoso Ltd", d)

	p := startProg(t, e.options())
	p.waitFor("Add service")
	p.key(tea.KeyDown)
	p.enter() // Services
	p.waitFor("1 of 1 services")
	p.enter()
	p.waitFor("M365 Configuration")

	// Validate Authentication records a new report.
	p.typ("v")
	p.waitFor("Validation recorded")
	if h, _ := e.store.History("ctso-dr1"); len(h) != 2 {
		t.Fatalf("history after Validate Authentication = %d reports, want 2", len(h))
	}

	// A wrong new secret is refused and the stored one stays.
	p.typ("s")
	p.waitFor("New client secret")
	p.typ("Wr08Q~ThisIsNotTheSecretAtAll0000000000Z")
	p.waitForMasked("Wr08Q~ThisIsNotTheSecretAtAll0000000000Z")
	p.enter()
	p.waitFor("the stored one was not changed")
	svc, err := e.store.GetService("ctso-dr1")
	if err != nil {
		t.Fatal(err)
	}
	if svc.App.Secret.Reveal() != d.Secret {
		t.Fatal("a secret that failed validation replaced the stored one")
	}
	// The failed attempt is kept in the history, never as the last
	// validation, which stays that of the secret in use.
	if h, _ := e.store.History("ctso-dr1"); len(h) != 3 || h[0].Trigger != tenant.TriggerAttempt {
		t.Fatalf("history after a failed new secret = %d reports, want 3 with the attempt newest", len(h))
	}
	if svc.LastValidation.Trigger == tenant.TriggerAttempt {
		t.Fatal("a failed attempt became the last validation")
	}

	// The rotated secret passes and replaces it.
	p.typ("s")
	p.waitFor("New client secret")
	p.typ(rotatedSecret)
	p.waitForMasked(rotatedSecret)
	p.enter()
	p.waitFor("Client secret replaced")
	p.typ("h")
	p.waitFor("4 validations")
	p.quit()
	noSecret(t, "the terminal output", p.all.String(), d.Secret, rotatedSecret, "Wr08Q~ThisIsNotTheSecretAtAll0000000000Z")

	svc, err = e.store.GetService("ctso-dr1")
	if err != nil {
		t.Fatal(err)
	}
	if svc.App.Secret.Reveal() != rotatedSecret {
		t.Errorf("stored secret hint %s, want the rotated one", svc.App.Secret)
	}
	if days := svc.DaysUntilExpire(testNow); days == nil || *days != 700 {
		t.Errorf("days until expire = %v, want the rotated secret's 700", days)
	}
	h, err := e.store.History("ctso-dr1")
	if err != nil || len(h) != 4 {
		t.Fatalf("history = %d reports (%v), want 4", len(h), err)
	}
	if h[0].SecretHint != "Nq5" {
		t.Errorf("newest report's secret hint = %q, want the rotated secret's", h[0].SecretHint)
	}
	if svc.State != tenant.StateActive {
		t.Errorf("state = %s", svc.State)
	}
}

// Every frame of Update client secret, drawn after each key: the typed
// secret is masked while typed, and gone from the page after it.
func TestServicePageNeverDrawsTheNewSecret(t *testing.T) {
	e := newEnv(t, directoryWithRotatedSecret())
	d := demoTenant(t, "Contoso")
	e.validated(t, "ctso-dr1", "Contoso Ltd", d)
	wrong := "Wr08Q~ThisIsNotTheSecretAtAll0000000000Z"
	h := newHarness(t, e.options())
	h.secrets = []string{d.Secret, rotatedSecret, wrong}
	h.menuTo(1)
	h.enter()
	for _, s := range []string{wrong, rotatedSecret} {
		h.typ("s")
		h.typ(s)
		h.contains(strings.Repeat("•", len(s)))
		h.enter()
	}
	h.contains("Client secret replaced")
	h.typ("h")
	h.contains("3 validations") // the first, the refused attempt and the rotated secret's
}
