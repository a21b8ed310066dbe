package wizard

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/entrasim"
)

// typeCredentials fills the credentials step with d, one field at a time.
func (p *prog) typeCredentials(d entrasim.DemoTenant) {
	p.waitFor("Tenant ID")
	p.typ(d.TenantID)
	p.enter()
	p.typ(d.ClientID)
	p.enter()
	p.typ(d.Secret)
	p.waitForMasked(d.Secret)
	p.enter()
	p.typ(d.AdminUPN)
	p.enter()
}

// toKnownApp walks the add flow from the main menu to the App
// registration step for a new customer, with Hosted Pro and 25 users.
func (p *prog) toKnownApp(customer, name, full string) {
	p.waitFor("Add service")
	p.enter() // Add service
	p.waitFor("Direct Routing")
	p.enter() // service type
	p.waitFor("New customer")
	p.enter() // New customer… (the only option in an empty store)
	p.waitFor("Customer name")
	p.typ(customer)
	p.enter()
	p.waitFor("Short name")
	p.typ(name)
	p.waitFor("available")
	p.enter()
	p.typ(full)
	p.enter()
	p.waitFor("Hosted Pro")
	p.key(tea.KeyDown)
	p.enter() // Hosted Pro
	p.waitFor("How many users")
	p.typ("25")
	p.enter()
	p.waitFor("Use known App registration")
}

// toCredentials walks the add flow from the main menu to the credentials
// step for a new customer.
func (p *prog) toCredentials(customer, name, full string) {
	p.toKnownApp(customer, name, full)
	p.enter() // Use known App registration: checked by default
}

func TestOnboardingHealthyTenantSavesEveryField(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	d := demoTenant(t, "Contoso")
	p := startProg(t, e.options())

	p.toCredentials("Contoso Ltd", "ctso-dr1", "Contoso Direct Routing")
	p.typeCredentials(d)
	p.waitFor("passed")
	p.enter() // Next
	p.waitFor("M365 domain")
	p.enter() // the initial domain, pre-filled
	p.waitFor("Create service")
	p.enter()
	p.waitFor("M365 Configuration")
	m := p.quit()
	if _, ok := m.screen.(*portalScreen); !ok {
		t.Fatalf("after Create service the screen is %T, want the service page", m.screen)
	}

	svc, err := e.store.GetService("ctso-dr1")
	if err != nil {
		t.Fatalf("service not saved: %v", err)
	}
	want := map[string][2]string{
		"customer":  {svc.Customer, "Contoso Ltd"},
		"full name": {svc.FullName, "Contoso Direct Routing"},
		"license":   {string(svc.License), "pro"},
		"tenant ID": {svc.App.TenantID, "8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60"},
		"client ID": {svc.App.ClientID, d.ClientID},
		"admin":     {svc.App.AdminUser, d.AdminUPN},
		"domain":    {svc.M365Domain, "contoso.onmicrosoft.com"},
		"state":     {string(svc.State), string(tenant.StateActive)},
	}
	for field, v := range want {
		if v[0] != v[1] {
			t.Errorf("%s = %q, want %q", field, v[0], v[1])
		}
	}
	if svc.Users != 25 {
		t.Errorf("users = %d, want 25", svc.Users)
	}
	if svc.App.Secret.Reveal() != d.Secret {
		t.Errorf("the stored secret is not the one typed (hint %s)", svc.App.Secret)
	}
	if svc.LastValidation == nil || !svc.LastValidation.Passed() {
		t.Fatalf("last validation = %+v, want a passing report", svc.LastValidation)
	}
	if days := svc.DaysUntilExpire(testNow); days == nil || *days != 400 {
		t.Errorf("days until expire = %v, want 400", days)
	}
	h, err := e.store.History("ctso-dr1")
	if err != nil || len(h) != 1 {
		t.Errorf("history = %d reports (%v), want the first validation", len(h), err)
	}
	if cs, _ := e.store.ListCustomers(); len(cs) != 1 {
		t.Errorf("customers = %v, want only the new one", cs)
	}
}

func TestWrongSecretStaysOnTheResultAndSavesNothing(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	d := demoTenant(t, "Wingtip")
	p := startProg(t, e.options())

	p.toCredentials("Wingtip Toys", "wingtip1", "")
	p.typeCredentials(d)
	p.waitFor("failed")
	p.waitFor("7000215")
	p.enter() // Edit credentials (the first action after a failure)
	p.waitFor("Last validation failed: Entra ID rejected the client secret")
	m := p.quit()
	// The failed secret is back in its (masked) field, not on the screen.
	noSecret(t, "the terminal output", p.all.String(), d.Secret)

	f := m.screen.(*addFlow)
	if f.step != stepCredentials {
		t.Errorf("step = %s, want the credentials", f.step)
	}
	if f.credForm.focus != 2 {
		t.Errorf("focus on field %d after a rejected secret, want the secret (2)", f.credForm.focus)
	}
	fs := f.credForm.fields
	if fs[0].value() != d.TenantID || fs[1].value() != d.ClientID || fs[2].value() != d.Secret {
		t.Errorf("the credentials typed were not kept")
	}
	if f.report == nil || f.report.Passed() {
		t.Errorf("report = %+v, want the failed one", f.report)
	}
	assertNothingSaved(t, e)
}

func assertNothingSaved(t *testing.T, e *env) {
	t.Helper()
	if sums, err := e.store.ListSummaries(); err != nil || len(sums) != 0 {
		t.Errorf("services saved: %d (%v), want none", len(sums), err)
	}
	if cs, err := e.store.ListCustomers(); err != nil || len(cs) != 0 {
		t.Errorf("customers saved: %v (%v), want none", cs, err)
	}
}

func TestEscGoesBackAndKeepsEveryValue(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	p := startProg(t, e.options())
	p.toCredentials("Adatum", "adt-1", "Adatum DR")
	p.waitFor("Tenant ID")
	p.typ("adatum.onmicrosoft.com")
	p.esc() // back to Use known App registration
	p.waitFor("[x] Use known App registration")
	p.esc() // licensed users
	p.waitFor("How many users")
	p.esc() // license
	p.waitFor("Which license")
	p.esc() // short name
	p.waitFor("Name the Direct Routing service")
	m := p.quit()

	f := m.screen.(*addFlow)
	if f.step != stepName {
		t.Fatalf("step = %s, want the short name", f.step)
	}
	checks := map[string][2]string{
		"short name":     {f.shortName.value(), "adt-1"},
		"full name":      {f.fullName.value(), "Adatum DR"},
		"users":          {f.users.value(), "25"},
		"tenant ID":      {f.cred.tenantID.value(), "adatum.onmicrosoft.com"},
		"new customer":   {f.custName.value(), "Adatum"},
		"chosen license": {f.in.License, "pro"},
	}
	for field, v := range checks {
		if v[0] != v[1] {
			t.Errorf("%s = %q after Esc, want %q", field, v[0], v[1])
		}
	}
	if o, _ := f.licenses.selected(); o.value != "pro" {
		t.Errorf("license cursor = %q after Esc, want pro", o.value)
	}
	assertNothingSaved(t, e)
}

// Esc and ctrl+c during validation both cancel the network calls and save
// nothing; ctrl+c does not quit while there is work to cancel (the next
// one does).
func TestCancelDuringValidationSavesNothing(t *testing.T) {
	for _, k := range []tea.KeyType{tea.KeyEsc, tea.KeyCtrlC} {
		t.Run(k.String(), func(t *testing.T) {
			e := newEnv(t, entrasim.Demo(testNow))
			e.srv.SetLatency(3 * time.Second)
			p := startProg(t, e.options())
			p.toCredentials("Contoso Ltd", "ctso-dr1", "")
			p.typeCredentials(demoTenant(t, "Contoso"))
			p.waitFor("Validating the credentials")
			p.key(k)
			p.waitFor("Validation cancelled")
			m := p.quit()
			if !m.quitting {
				t.Error("ctrl+c after the cancel did not quit")
			}
			if f := m.screen.(*addFlow); f.step != stepCredentials || f.report != nil {
				t.Errorf("after cancel: step %s, report %v; want the credentials and no report", f.step, f.report)
			}
			assertNothingSaved(t, e)
		})
	}
}

// The secret typed must never be written to the terminal: scan every byte
// the program wrote, through a whole onboarding, a re-validation and the
// service page. (No Options.Demo: the demo screen shows sample secrets.)
func TestSecretNeverRendered(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	d := demoTenant(t, "Contoso")
	p := startProg(t, e.options())
	p.toCredentials("Contoso Ltd", "ctso-dr1", "")
	p.typeCredentials(d)
	p.waitFor("passed")
	p.enter()
	p.waitFor("M365 domain")
	p.enter()
	p.waitFor("Create service")
	p.enter()
	p.waitFor("M365 Configuration")
	p.typ("v")
	p.waitFor("Validation recorded")
	p.typ("h")
	p.waitFor("2 validations")
	m := p.quit()

	out := p.all.String()
	noSecret(t, "the terminal output", out, d.Secret)
	if !strings.Contains(out, tenant.NewSecret(d.Secret).Masked()) {
		t.Errorf("the secret's hint %s is not on the service page", tenant.NewSecret(d.Secret).Masked())
	}
	if strings.Contains(m.View(), d.Secret) {
		t.Fatal("the final frame shows the secret")
	}
}
