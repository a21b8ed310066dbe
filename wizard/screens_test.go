package wizard

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"onboard/tenant"
	"onboard/tenant/entra/entratest"
	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
)

// toKnownApp walks the add flow from its first step (service type) to
// the App registration, for a new customer, with no full name, Hosted
// Essentials+ and 10 users.
func (h *harness) toKnownApp(customer, name string) {
	h.t.Helper()
	h.enter()
	h.typ(customer)
	h.enter() // a name no customer has: New customer
	h.typ(name)
	h.enter()
	h.enter() // no full name
	h.enter() // Hosted Essentials+
	h.typ("10")
	h.enter()
	if f := h.flow(); f.step != stepKnownApp {
		h.t.Fatalf("walked to %s, want the App registration", f.step)
	}
}

// toCredentials walks on to the credentials.
func (h *harness) toCredentials(customer, name string) {
	h.t.Helper()
	h.toKnownApp(customer, name)
	h.enter() // Use known App registration
	if f := h.flow(); f.step != stepCredentials {
		h.t.Fatalf("walked to %s, want the credentials", f.step)
	}
}

// menuTo opens the main-menu entry at index i.
func (h *harness) menuTo(i int) {
	for range i {
		h.key(tea.KeyDown)
	}
	h.enter()
}

func TestCustomersAddRenameAndRefuseDeleteWithServices(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	h := newHarness(t, e.options())
	h.menuTo(2)
	h.contains("Contoso Ltd")
	h.contains("1 service")

	h.typ("d") // refused at once, with the reason: no y/n that cannot succeed
	h.contains("Customer Contoso Ltd still has services, so it cannot be deleted: delete its service first")
	h.typ("y")
	if _, err := e.store.GetCustomer("Contoso Ltd"); err != nil {
		t.Fatalf("the customer with a service was deleted: %v", err)
	}

	h.typ("a")
	h.typ("contoso ltd")
	h.contains("already exists")
	h.enter()
	h.contains("Customers › Add") // still on the form: the rule blocks it
	h.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.typ("Fabrikam")
	h.enter()
	h.contains("Customer Fabrikam added.")

	h.typ("r") // the cursor is on the new customer
	h.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.typ("Fabrikam, Inc.")
	h.enter()
	h.contains("renamed to Fabrikam, Inc.")
	if _, err := e.store.GetCustomer("Fabrikam, Inc."); err != nil {
		t.Fatalf("rename not saved: %v", err)
	}
	h.typ("d")
	h.contains("Delete customer Fabrikam, Inc.? (y/n)")
	h.typ("y")
	h.contains("Customer Fabrikam, Inc. deleted.")
	if cs, _ := e.store.ListCustomers(); len(cs) != 1 {
		t.Errorf("customers = %v, want only Contoso Ltd", cs)
	}
}

func TestSecretExpiryValidateAllRecordsEveryService(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	for _, d := range []struct{ name, demo string }{{"ctso-dr1", "Contoso"}, {"nw-main", "Northwind"}, {"adt-1", "Adatum"}, {"lit-1", "Litware"}} {
		e.validated(t, d.name, d.demo+" Corp", demoTenant(t, d.demo))
	}
	h := newHarness(t, e.options())
	h.menuTo(3)
	lines := strings.Split(h.view(), "\n")
	var order []string
	for _, l := range lines {
		if f := strings.Fields(strings.TrimPrefix(l, "> ")); len(f) > 0 && strings.Contains(l, " Corp ") {
			order = append(order, f[0])
		}
	}
	// Northwind (9 days) first, then by days, unknown (Adatum) last.
	if len(order) != 4 || order[0] != "nw-main" || order[3] != "adt-1" {
		t.Errorf("expiry order = %v, want nw-main first and adt-1 (unknown) last", order)
	}
	h.typ("v")
	h.contains("Validated 4 of 4 services with credentials: 1 pass, 2 warn, 1 fail.") // Litware has no role: not ready
	for _, name := range []string{"ctso-dr1", "nw-main", "adt-1", "lit-1"} {
		if hist, err := e.store.History(name); err != nil || len(hist) != 2 {
			t.Errorf("%s: history %d (%v), want 2 after Validate all", name, len(hist), err)
		}
	}
}

func TestSecretExpiryValidateAllCanBeCancelled(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	e.srv.SetLatency(5 * time.Second)
	p := startProg(t, e.options())
	p.waitFor("Add service")
	for range 3 {
		p.key(tea.KeyDown)
	}
	p.enter()
	p.waitFor("Press v")
	p.typ("v")
	p.waitFor("░░░░░░░░░░   0%  0/1")
	p.esc()
	p.waitFor("Cancelled after 0 of 1 services")
	m := p.quit()
	if _, ok := m.screen.(*expiryScreen); !ok {
		t.Fatalf("screen %T", m.screen)
	}
	if hist, _ := e.store.History("ctso-dr1"); len(hist) != 1 {
		t.Errorf("history = %d, want the cancelled validation not recorded", len(hist))
	}
}

func TestPendingServiceGetsCredentialsFromItsPage(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	d := demoTenant(t, "Fabrikam")
	if _, err := e.store.CreateCustomer("Fabrikam"); err != nil {
		t.Fatal(err)
	}
	svc, _, err := tenant.ServiceInput{Customer: "Fabrikam", Name: "fab-1", License: "pro", Users: "5"}.Parse(testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateService(svc); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, e.options())
	h.secrets = []string{d.Secret}
	h.menuTo(1)
	h.enter()
	h.contains("pending authentication")
	h.typ("s")
	h.contains("Add credentials")
	h.typ(d.TenantID)
	h.enter()
	h.typ(d.ClientID)
	h.enter()
	h.typ(d.Secret)
	h.enter()
	h.typ(d.AdminUPN)
	h.enter()
	h.contains("Credentials saved after they passed validation; the service is active")
	got, err := e.store.GetService("fab-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != tenant.StateActive || got.App.Secret.Reveal() != d.Secret || got.App.ClientID != d.ClientID ||
		got.App.TenantID != "2b7e4f9a-1c3d-4e5f-8a9b-0c1d2e3f4a51" || got.App.AdminUser != d.AdminUPN || got.M365Domain != "fabrikam.onmicrosoft.com" {
		t.Errorf("after Add credentials: %+v", got)
	}
}

func TestServicePageEditAndDelete(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	h := newHarness(t, e.options())
	h.menuTo(1)
	h.enter()
	h.typ("e")
	h.key(tea.KeyLeft) // pro → essentials-plus
	h.key(tea.KeyTab)
	h.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.typ("0")
	h.enter()
	h.contains("licensed users must be between 1 and 500")
	h.send(tea.KeyMsg{Type: tea.KeyBackspace})
	h.typ("120")
	h.enter()
	h.contains("Saved: Hosted Essentials+, 120 users.")
	svc, _ := e.store.GetService("ctso-dr1")
	if svc.License != tenant.LicenseEssentialsPlus || svc.Users != 120 {
		t.Errorf("edit not saved: %s, %d users", svc.License, svc.Users)
	}
	h.typ("d")
	h.typ("n")
	if _, err := e.store.GetService("ctso-dr1"); err != nil {
		t.Fatal("n deleted the service")
	}
	h.typ("d")
	h.typ("y")
	if _, err := e.store.GetService("ctso-dr1"); err == nil {
		t.Fatal("y did not delete the service")
	}
	h.contains("0 of 0 services") // back on the Services list it came from
}

// countedStore counts the reads of every service's summary (a list of
// 10,000 services takes a while: the add flow reads it once).
type countedStore struct {
	usecase.Store
	lists *int
}

func (c countedStore) ListSummaries() ([]tenant.Summary, error) {
	*c.lists++
	return c.Store.ListSummaries()
}

func TestReuseTenantPrefillsCredentialsButNotTheSecret(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	d := demoTenant(t, "Contoso")
	e.validated(t, "ctso-dr1", "Contoso Ltd", d)
	lists := 0
	h := newHarness(t, Options{Cases: usecase.New(countedStore{e.store, &lists}, e.v, usecase.Options{Now: nowFn})})
	h.enter()
	h.enter()
	h.typ("contoso")
	h.enter()
	h.contains("Reuse Contoso Ltd")
	h.enter()
	f := h.flow()
	cf := f.cred
	if cf.tenantID.value() != "8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60" || cf.clientID.value() != d.ClientID || cf.admin.value() != d.AdminUPN {
		t.Errorf("reuse did not prefill the App registration: %q %q %q", cf.tenantID.value(), cf.clientID.value(), cf.admin.value())
	}
	if cf.secret.value() != "" {
		t.Error("reuse prefilled the secret; each service gets a new one")
	}
	h.esc()
	h.key(tea.KeyDown)
	h.enter() // Add new tenant clears what the reuse filled in
	if cf.tenantID.value() != "" || cf.clientID.value() != "" {
		t.Errorf("Add new tenant kept the reused IDs")
	}
	if lists != 1 {
		t.Errorf("the add flow listed every service %d times, want once", lists)
	}
}

// After Reuse, the next thing typed on the credentials step is the new
// secret: the cursor waits in the empty secret field, and no frame of the
// whole run ever shows the secret (before the fix it was appended to the
// prefilled Tenant ID, in clear text).
func TestReuseTypesTheSecretIntoTheMaskedField(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	d := demoTenant(t, "Contoso")
	e.validated(t, "ctso-dr1", "Contoso Ltd", d)
	h := newHarness(t, e.options())
	h.secrets = []string{d.Secret}
	h.enter()        // Add service
	h.enter()        // Direct Routing
	h.typ("contoso") // the customer
	h.enter()        //
	h.contains("Reuse Contoso Ltd")
	h.enter()         // Reuse
	h.typ("ctso-dr2") // short name
	h.enter()         // full name
	h.enter()         //
	h.enter()         // Hosted Essentials+
	h.typ("10")       // users
	h.enter()         //
	h.enter()         // Use known App registration
	if f := h.flow(); f.step != stepCredentials || f.credForm.focused() != f.cred.secret {
		t.Fatalf("after Reuse the credentials step focuses %q, want the empty secret", h.flow().credForm.focused().label)
	}
	h.typ(d.Secret) // every frame is checked by h.secrets
	h.contains(strings.Repeat("•", len(d.Secret)))
	if got := h.flow().cred.tenantID.value(); got != "8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60" {
		t.Errorf("the Tenant ID changed to %q", got)
	}
	h.enter()
	h.contains("Validation result")
}

// A secret typed or pasted into a visible field is taken out at once and
// never drawn; the field says where it belongs.
func TestSecretShapedValueRefusedInVisibleFields(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	d := demoTenant(t, "Contoso")
	h := newHarness(t, e.options())
	h.secrets = []string{d.Secret}
	h.enter() // Add service
	h.enter() // Direct Routing
	h.typ("Contoso")
	h.enter() // a new customer
	h.typ("ctso-1")
	h.enter() // full name
	h.enter()
	h.enter() // license
	h.typ("5")
	h.enter()
	h.enter() // credentials, the Tenant ID focused
	if f := h.flow(); f.step != stepCredentials || f.credForm.focused() != f.cred.tenantID {
		t.Fatalf("not on the credentials' Tenant ID:\n%s", h.view())
	}
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(d.Secret), Paste: true})
	h.contains("That looks like a client secret, so it was taken out of this field")
	if v := h.flow().cred.tenantID.value(); v != "" {
		t.Errorf("Tenant ID holds %d characters of a pasted secret", len(v))
	}
	h.typ(d.TenantID)
	h.key(tea.KeyTab)
	h.typ(d.Secret) // typed, one key at a time, into the Application ID
	if v := h.flow().cred.clientID.value(); strings.Contains(d.Secret, v) && v != "" && len(v) > 5 {
		t.Errorf("the Application ID kept %q of a typed secret", v)
	}
	h.contains("type it in Client secret, which is masked")
}

func TestDuplicateShortNameIsRefusedAsYouType(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	h := newHarness(t, e.options())
	h.enter()
	h.enter()
	h.typ("Contoso")
	h.enter()
	h.key(tea.KeyDown)
	h.enter()
	h.typ("CTSO-DR1")
	h.contains(`a service named "CTSO-DR1" already exists (short names are unique, ignoring case)`)
	h.enter()
	h.enter()
	if h.flow().step != stepName {
		t.Fatal("a taken short name got past the name step")
	}
	h.typ("x")
	h.contains("✓ available")
}

func TestEveryScreenFitsAfterResize(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	opts := e.options()
	opts.Demo = demoList()
	for _, size := range [][2]int{{80, 24}, {100, 30}, {160, 50}} {
		h := newHarness(t, opts)
		h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		check := func(where string) {
			t.Helper()
			v := h.m.View()
			lines := strings.Split(v, "\n")
			if len(lines) != size[1] {
				t.Errorf("%dx%d %s: %d lines", size[0], size[1], where, len(lines))
			}
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%dx%d %s: a line of %d cells: %q", size[0], size[1], where, w, ansi.Strip(l))
				}
			}
			if !strings.Contains(ansi.Strip(lines[len(lines)-1]), "esc") && !strings.Contains(ansi.Strip(lines[len(lines)-1]), "quit") {
				t.Errorf("%dx%d %s: the help line is missing: %q", size[0], size[1], where, ansi.Strip(lines[len(lines)-1]))
			}
		}
		check("demo")
		h.enter()
		check("menu")
		h.menuTo(1)
		check("services")
		h.enter()
		check("service page")
		h.typ("h")
		check("history")
	}
}

func TestDemoScreenFillsTheCredentials(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	opts := e.options()
	opts.Demo = demoList()
	h := newHarness(t, opts)
	h.contains("These demo secrets")
	h.key(tea.KeyDown)
	h.typ("a") // add a service with Fabrikam's credentials
	// The demo screen shows the sample secrets; no other screen may.
	for _, d := range opts.Demo {
		h.secrets = append(h.secrets, d.Secret)
	}
	noSecret(t, "the credentials step", h.m.View(), h.secrets...)
	f := h.flow()
	if got := f.cred.clientID.value(); got != opts.Demo[1].ClientID {
		t.Errorf("client ID %q, want Fabrikam's", got)
	}
	h.toCredentials("Fabrikam", "fab-1")
	h.contains("Client secret")
	h.send(tea.KeyMsg{Type: tea.KeyCtrlD}) // the next demo tenant's credentials
	h.contains("Filled in from demo tenant")
	h.enter() // validate
	h.contains("Validation result")
	h.enter() // Next (Northwind passes with a warning)
	h.enter()
	h.contains("Summary")
	h.enter()
	h.contains("M365 Configuration")
}

// A demo tenant whose secret is wrong on purpose says the right one
// after the failure, so the engineer can see it pass.
func TestDemoWrongSecretSaysTheRightOne(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	opts := e.options()
	opts.Demo = demoList()
	h := newHarness(t, opts)
	for !strings.Contains(h.view(), "> Wingtip") {
		h.key(tea.KeyDown)
	}
	d := demoTenant(t, "Wingtip")
	h.typ("a")
	h.secrets = []string{d.Secret}
	h.toCredentials("Wingtip", "wt-1")
	h.enter() // validate: the wrong secret
	h.contains("AADSTS7000215")
	h.esc() // edit credentials
	h.contains("(Demo: the right secret is " + d.RightSecret + ".)")
}

func TestAccessibleModeOnboardsWithLinePrompts(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	d := demoTenant(t, "Contoso")
	lines := []string{
		"1",           // Add service
		"Contoso Ltd", // a new customer's name (there is no customer to choose)
		"ctso-a11y",   // short name
		"",            // full name
		"2",           // Hosted Pro
		"12",          // users
		"y",           // use known App registration
		d.TenantID, d.ClientID, d.Secret, d.AdminUPN,
		"",  // M365 domain: keep the initial domain
		"y", // create
		"1", // service page: Back
		"6", // Quit
	}
	var out bytes.Buffer
	opts := e.options()
	opts.Accessible = true
	opts.Input = strings.NewReader(strings.Join(lines, "\n") + "\n")
	opts.Output = &out
	if err := Run(t.Context(), opts); err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	svc, err := e.store.GetService("ctso-a11y")
	if err != nil {
		t.Fatalf("not saved: %v\n%s", err, out.String())
	}
	if svc.Users != 12 || svc.License != tenant.LicensePro || svc.M365Domain != "contoso.onmicrosoft.com" || svc.State != tenant.StateActive {
		t.Errorf("saved %+v", svc)
	}
	text := out.String()
	noSecret(t, "the accessible mode's output", text, d.Secret)
	if strings.Contains(text, "\x1b[?1049h") {
		t.Error("the accessible mode switched to the alternate screen")
	}
	for _, want := range []string{"✓ Token", "Result: ✓ passed", "Service ctso-a11y created.", "Client secret: Xq8****"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestTypedNewCustomerNameIsTakenFromTheFilter(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	h := newHarness(t, e.options())
	h.enter()
	h.enter()
	h.typ("Northwind Traders")
	h.contains(`> New customer "Northwind Traders"`) // no match: the cursor is on New customer
	h.enter()
	f := h.flow()
	if f.step != stepName || !f.newCustomer || f.in.Customer != "Northwind Traders" {
		t.Fatalf("step %s, new %v, customer %q; want the short name of new customer Northwind Traders", f.step, f.newCustomer, f.in.Customer)
	}
	h.esc()
	h.contains("Filter: Northwind Traders")

	// A name that breaks a rule still opens the form with the message.
	h.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.typ("contoso ltd ")
	h.key(tea.KeyUp) // the filter matches Contoso Ltd: go to New customer…
	h.enter()
	if h.flow().step != stepNewCustomer {
		t.Fatalf("step %s, want the new customer form", h.flow().step)
	}
	h.contains(`customer "Contoso Ltd" already exists`)
	if cs, _ := e.store.ListCustomers(); len(cs) != 1 {
		t.Errorf("customers = %v: nothing is saved before Create service", cs)
	}
}

func TestEnterSubmitsWhenTheRestIsFilledIn(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	opts := e.options()
	opts.Demo = demoList()
	h := newHarness(t, opts)
	h.typ("a") // Contoso's credentials prefilled
	h.enter()
	h.typ("Contoso Ltd")
	h.enter()
	h.typ("ctso-dr1")
	h.enter()
	if h.flow().nameForm.focus != 1 {
		t.Fatal("Enter on the short name did not go to the empty full name")
	}
	h.enter()
	h.enter()
	h.typ("10")
	h.enter()
	h.enter()
	h.enter() // on the Tenant ID: everything after it is filled in, so validate
	if f := h.flow(); f.step != stepResult || !f.report.Passed() {
		t.Fatalf("step %s: one Enter on prefilled credentials did not validate them", f.step)
	}
}

// Each check shows on the validating screen as soon as it completes,
// before the result: the frames are taken as the checks arrive.
func TestValidatingShowsEachCheckAsItCompletes(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	opts := e.options()
	opts.Demo = demoList() // "a": Contoso's credentials
	h := newHarness(t, opts)
	h.typ("a")
	h.toCredentials("Contoso Ltd", "ctso-dr1")
	var frames []string
	h.seen = func(msg tea.Msg) {
		if _, ok := msg.(checkMsg); ok {
			frames = append(frames, h.view())
		}
	}
	h.enter() // validate
	h.seen = nil
	if len(frames) < 5 {
		t.Fatalf("%d checks arrived one by one, want every check (6)", len(frames))
	}
	for i, f := range frames {
		if !strings.Contains(f, "Validating the credentials") || strings.Contains(f, "Microsoft 365 settings") {
			t.Fatalf("frame after check %d is not the validating screen:\n%s", i+1, f)
		}
		if got := strings.Count(f, "✓ "); got != i+1 {
			t.Errorf("frame after check %d shows %d checks", i+1, got)
		}
	}
	if !strings.Contains(frames[0], "✓ Token") {
		t.Errorf("the first check shown is not the token:\n%s", frames[0])
	}
	h.contains("✓ passed")
}

// Without Application.Read.All Graph cannot say when the secret expires;
// the engineer types the date the Entra admin center shows.
func TestManualExpiryWhenGraphCannotReadIt(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "adt-1", "Adatum", demoTenant(t, "Adatum"))
	h := newHarness(t, e.options())
	h.menuTo(1)
	h.enter()
	h.contains("Days until expire  unknown")
	h.typ("e")
	h.key(tea.KeyTab)
	h.key(tea.KeyTab)
	h.typ("2027-2-30")
	h.contains("the secret expiry must be a date written YYYY-MM-DD")
	h.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.typ("2026-12-20")
	h.enter()
	h.contains("Days until expire  25 d")
	h.contains("(typed from the Entra admin center)")
	svc, _ := e.store.GetService("adt-1")
	if d := svc.DaysUntilExpire(testNow); d == nil || *d != 25 {
		t.Errorf("days until expire = %v, want 25", d)
	}

	// Where Graph reads the expiry, the edit form does not offer the field.
	e.validated(t, "ctso-1", "Contoso", demoTenant(t, "Contoso"))
	h = newHarness(t, e.options())
	h.menuTo(1)
	h.key(tea.KeyDown)
	h.enter()
	h.typ("e")
	if pn, ok := h.portal().pane.(*editPane); !ok || pn.expiry != nil {
		t.Errorf("the edit form offers the secret expiry for a service whose expiry Graph reads")
	}
}

func TestRunHonoursNoColor(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	lipgloss.SetColorProfile(termenv.TrueColor)
	t.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
	t.Setenv("NO_COLOR", "1")
	var out bytes.Buffer
	opts := e.options()
	opts.Accessible = true
	opts.Input = strings.NewReader("6\n")
	opts.Output = &out
	if err := Run(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if lipgloss.ColorProfile() != termenv.Ascii {
		t.Error("NO_COLOR did not turn the colours off")
	}
	if strings.Contains(out.String(), "\x1b[") {
		t.Errorf("output has escape sequences with NO_COLOR: %q", out.String())
	}
}

func TestEnterOnABrokenFieldStaysAndSaysWhy(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	h := newHarness(t, e.options())
	h.enter()
	h.enter()
	h.typ("Contoso")
	h.enter()
	if h.flow().step != stepName {
		t.Fatalf("not on the name step: %v", h.flow().step)
	}
	h.enter() // empty short name
	h.contains("the short name is required")
	h.typ("sbc:1")
	h.contains("the short name may not contain ':'")
	h.enter()
	if h.flow().step != stepName || h.flow().nameForm.focused() != h.flow().shortName {
		t.Fatal("Enter left a short name that breaks its rule")
	}
}

// A demo tenant without an admin: the optional empty admin does not cost
// an Enter, but while typing, Enter still leads to it.
func TestEnterSkipsAnOptionalFieldOnlyWhenItWasFilledIn(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	opts := e.options()
	opts.Demo = demoList()
	h := newHarness(t, opts)
	h.key(tea.KeyDown)
	h.key(tea.KeyDown)
	h.typ("a") // Northwind: no admin
	h.toCredentials("Northwind", "nw-1")
	h.enter() // on the Tenant ID, the rest filled in by the demo
	if f := h.flow(); f.step != stepResult {
		t.Fatalf("step %s: the empty optional admin filled in by the demo cost an Enter", f.step)
	}

	// Typed by hand, Enter on the secret goes to the admin.
	h = newHarness(t, e.options())
	h.enter() // Add service
	h.toCredentials("Northwind", "nw-1")
	d := demoTenant(t, "Northwind")
	for _, v := range []string{d.TenantID, d.ClientID, d.Secret} {
		h.typ(v)
		h.enter()
	}
	if f := h.flow(); f.step != stepCredentials || f.credForm.focus != 3 {
		t.Fatalf("step %s, focus %d: Enter on the secret skipped the admin", f.step, f.credForm.focus)
	}
}

// Esc from a service page returns to the Services table as it was left:
// the filter, the sort and the row; the menu forgets it.
func TestServicesTableIsKeptAcrossAServicePage(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	e.validated(t, "ctso-dr2", "Contoso Ltd", demoTenant(t, "Contoso"))
	e.validated(t, "nw-main", "Northwind Traders", demoTenant(t, "Northwind"))
	h := newHarness(t, e.options())
	h.menuTo(1)
	h.typ("ctso")
	h.key(tea.KeyShiftTab) // name, descending: ctso-dr2 first
	h.key(tea.KeyDown)     // ctso-dr1
	h.enter()
	h.contains("Service ctso-dr1")
	h.esc()
	h.contains("Filter: ctso")
	h.contains("2 of 3 services")
	h.contains("> ctso-dr1")
	h.contains("Name ↓")
	h.esc() // clears the filter
	h.esc() // the menu
	h.enter()
	h.contains("3 of 3 services")
	h.contains("Name ↑")
}

// speak runs the accessible mode on lines and returns what it said.
func speak(t *testing.T, e *env, lines ...string) string {
	t.Helper()
	var out bytes.Buffer
	opts := e.options()
	opts.Accessible = true
	opts.Input = strings.NewReader(strings.Join(lines, "\n") + "\n")
	opts.Output = &out
	if err := Run(t.Context(), opts); err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	return out.String()
}

func wantSaid(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("the accessible mode did not say %q:\n%s", w, out)
		}
	}
}

func TestAccessibleModeAddsRenamesAndDeletesCustomers(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	out := speak(t, e,
		"3",                // Customers
		"2", "contoso ltd", // Add: refused as you type (unique, ignoring case) …
		"Fabrikam",                 // … then a new name
		"3", "3", "Fabrikam, Inc.", // Rename Fabrikam
		"4", "2", // Delete Contoso Ltd: refused, it has a service
		"4", "3", "y", // Delete Fabrikam, Inc.
		"1", // Back
		"6", // Quit
	)
	wantSaid(t, out,
		`customer "Contoso Ltd" already exists (names are unique, ignoring case)`,
		"Customer Fabrikam added.",
		"Customer Fabrikam renamed to Fabrikam, Inc.",
		"Customer Contoso Ltd still has services, so it cannot be deleted: delete its service first",
		"Customer Fabrikam, Inc. deleted.",
	)
	cs, err := e.store.ListCustomers()
	if err != nil || len(cs) != 1 || cs[0].Name != "Contoso Ltd" {
		t.Errorf("customers = %v (%v), want only Contoso Ltd", cs, err)
	}
}

func TestAccessibleModeEditsReadsHistoryAndDeletesAService(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "adt-1", "Adatum", demoTenant(t, "Adatum")) // Graph cannot read its secret expiry
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	out := speak(t, e,
		"2", "2", // Services › adt-1
		"5", "1", "120", "", "2026-12-20", // Edit: Hosted Essentials+, 120 users, no admin, typed expiry
		"6", "2", "1", // History: hear the only report's checks, back
		"7", "n", // Delete? no
		"7", "y", // Delete? yes: back to the main menu
		"6", // Quit
	)
	wantSaid(t, out,
		"Saved: Hosted Essentials+, 120 users.",
		"Secret expires: 2026-12-20 (typed from the Entra admin center).",
		"Days until expire: 25 d.",
		"Validations, newest first (1)",
		"! Graph permissions: Missing Microsoft Graph application permission(s)",
		"Nothing was deleted.",
		"Service adt-1 deleted.",
	)
	if _, err := e.store.GetService("adt-1"); err == nil {
		t.Error("adt-1 was not deleted")
	}
	if _, err := e.store.GetService("ctso-dr1"); err != nil {
		t.Errorf("the other service went too: %v", err)
	}
}

// The new secret typed on the accessible service page is validated, saved
// and never said back.
func TestAccessibleModeUpdatesTheSecretWithoutSayingIt(t *testing.T) {
	e := newEnv(t, directoryWithRotatedSecret())
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	out := speak(t, e,
		"2", "2", // Services › ctso-dr1
		"3", "Wr08Q~ThisIsNotTheSecretAtAll0000000000Z", // refused: the stored one stays
		"3", rotatedSecret,
		"1", "6", // back, Quit
	)
	wantSaid(t, out, "The stored secret was not changed", "Client secret replaced.", "Client secret: Nq5****")
	for _, leak := range []string{rotatedSecret, rotatedSecret[:12], rotatedSecret[len(rotatedSecret)-12:], "ThisIsNotTheSecret"} {
		if strings.Contains(out, leak) {
			t.Fatalf("the accessible mode said (a part of) a typed secret %q", leak)
		}
	}
	if svc, _ := e.store.GetService("ctso-dr1"); svc.App.Secret.Reveal() != rotatedSecret {
		t.Errorf("secret not replaced (hint %s)", svc.App.Secret)
	}
}

// ctrl+c during an accessible Validate Authentication ends the session
// and records nothing: a cut-short report says nothing about the
// credentials, and recorded as a failure it would mark a healthy service
// failed (and flag it in `expiring`).
func TestAccessibleModeCancelledValidationRecordsNothing(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	e.srv.SetLatency(time.Minute)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out := &entratest.Buffer{}
	opts := e.options()
	opts.Accessible = true
	opts.Input = strings.NewReader("2\n2\n2\n")
	opts.Output = out
	done := make(chan error, 1)
	go func() { done <- Run(ctx, opts) }()
	if !entratest.Eventually(30*time.Second, func() bool { return strings.Contains(out.String(), "Validating…") }) {
		t.Fatalf("validation never started:\n%s", out)
	}
	cancel()
	if err := <-done; !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Run: %v, want ErrInterrupted (exit 130)", err)
	}
	wantSaid(t, out.String(), "Validation cancelled; nothing was recorded.")
	if strings.Contains(out.String(), "Result:") {
		t.Errorf("a cancelled validation was given a verdict:\n%s", out)
	}
	if h, _ := e.store.History("ctso-dr1"); len(h) != 1 {
		t.Errorf("history has %d reports, want the cancelled one not recorded", len(h))
	}
	if svc, _ := e.store.GetService("ctso-dr1"); svc.LastValidation == nil || svc.LastValidation.Status != tenant.StatusPass {
		t.Errorf("the last validation changed: %+v", svc.LastValidation)
	}
}

// With unsaved input the first ctrl+c asks; any other key stays (and is
// not typed anywhere); a second ctrl+c or y quits as interrupted (130).
// Without unsaved input ctrl+c quits at once, as interrupted; q quits
// normally (0).
func TestCtrlCAsksBeforeThrowingAwayTypedInput(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	for _, second := range []tea.KeyMsg{{Type: tea.KeyCtrlC}, keyRunes("y")} {
		h := newHarness(t, e.options())
		h.enter() // Add service
		h.enter() // Direct Routing
		h.typ("Contoso")
		h.key(tea.KeyCtrlC)
		if h.quit || !h.root().confirmQuit {
			t.Fatal("ctrl+c with typed input quit without asking")
		}
		h.contains("Quit and lose what was typed? y or ctrl+c quits; any other key stays.")
		h.typ("x")
		if h.quit || h.root().confirmQuit {
			t.Fatal("a key other than y or ctrl+c did not keep the wizard")
		}
		if got := h.flow().custStep.filter.Value(); got != "Contoso" {
			t.Errorf("after staying, the customer filter is %q, want what was typed", got)
		}
		h.key(tea.KeyCtrlC)
		h.send(second)
		if !h.quit || !h.root().interrupted {
			t.Errorf("ctrl+c then %q did not quit as interrupted", second.String())
		}
	}
	h := newHarness(t, e.options())
	h.key(tea.KeyCtrlC)
	if !h.quit || !h.root().interrupted {
		t.Error("ctrl+c on the main menu did not quit at once as interrupted")
	}
	h = newHarness(t, e.options())
	h.typ("q")
	if !h.quit || h.root().interrupted {
		t.Error("q did not quit normally")
	}
}

// A tenant already used by another customer's service is named on the
// result, and going on is an explicit choice.
func TestAnotherCustomersTenantIsNamedBeforeGoingOn(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	d := demoTenant(t, "Contoso")
	e.validated(t, "ctso-dr1", "Contoso Ltd", d)
	opts := e.options()
	opts.Demo = demoList()
	h := newHarness(t, opts)
	h.enter() // the demo screen: on to the menu
	h.enter() // Add service
	h.enter() // Direct Routing
	h.typ("Fabrikam")
	h.enter() // a new customer
	h.typ("fab-1")
	h.enter()
	h.enter()
	h.enter()
	h.typ("5")
	h.enter()
	h.enter()
	h.send(tea.KeyMsg{Type: tea.KeyCtrlD}) // Contoso's credentials
	h.enter()
	h.contains("Tenant 8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60 is already used by service ctso-dr1 of another customer, Contoso Ltd")
	h.contains("> Go on anyway")
	h.enter()
	if h.flow().step != stepM365 {
		t.Errorf("going on did not lead to the Microsoft 365 settings")
	}
}

// The accessible mode reads the secrets out soonest first, unknown last,
// as the Secret expiry screen lists them, and validates all.
func TestAccessibleModeReadsSecretExpiryAndValidatesAll(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "adt-1", "Adatum", demoTenant(t, "Adatum"))        // unknown
	e.validated(t, "ctso-1", "Contoso Ltd", demoTenant(t, "Contoso")) // 400 days
	e.validated(t, "nw-1", "Northwind", demoTenant(t, "Northwind"))   // 9 days
	e.validated(t, "tsp-1", "Tailspin", demoTenant(t, "Tailspin"))    // expired: unknown, refused
	out := speak(t, e, "4", "y", "6")
	var order []string
	for _, m := range regexp.MustCompile(`- (\S+) \([^)]*\): secret `).FindAllStringSubmatch(out, -1) {
		order = append(order, m[1])
	}
	if got := strings.Join(order, " "); got != "nw-1 ctso-1 adt-1 tsp-1" {
		t.Errorf("read out in the order %s, want nw-1 ctso-1 adt-1 tsp-1 (unknown last, by name):\n%s", got, out)
	}
	wantSaid(t, out, "- nw-1 (Northwind): secret 9 d", "- adt-1 (Adatum): secret unknown", "Validated 4 of 4 services with credentials; 1 failed.")
}

// The accessible mode names another customer's tenant too, and asks
// before going on; no saves nothing.
func TestAccessibleModeNamesAnotherCustomersTenant(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	d := demoTenant(t, "Contoso")
	e.validated(t, "ctso-dr1", "Contoso Ltd", d)
	out := speak(t, e,
		"1", "1", "Fabrikam", // Add service for a new customer
		"fab-1", "", "1", "5", "y",
		d.TenantID, d.ClientID, d.Secret, "", // Contoso's credentials
		"n", // Go on anyway? no
		"6", // Quit
	)
	wantSaid(t, out,
		"Warning: Tenant 8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60 is already used by service ctso-dr1 of another customer, Contoso Ltd",
		"Go on anyway?",
		"Nothing was saved.",
	)
	if _, err := e.store.GetService("fab-1"); err == nil {
		t.Error("saved after the engineer did not go on")
	}
}

// The accessible mode retries, keeps the typed secret for Edit
// credentials when asked to, parks a service blocked on the customer's
// side, and reads the summary back before "Create service?".
func TestAccessibleModeRetriesKeepsTheSecretAndParks(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	d := demoTenant(t, "Proseware") // blocked by Conditional Access
	out := speak(t, e,
		"1", "Proseware", "prose-1", "", "1", "7", "y",
		d.TenantID, d.ClientID, d.Secret, "",
		"3",        // Retry (after Save as pending and Edit credentials)
		"2",        // Edit credentials
		"n",        // keep the secret typed
		"", "", "", // Tenant ID, Application ID and admin as they were
		"1", // Save as pending authentication
		"y", // create
		"6", // Quit
	)
	wantSaid(t, out,
		"AADSTS53003",
		"Type the client secret again? (no keeps the one typed)",
		"Summary:",
		"Service prose-1 for Proseware, Hosted Essentials+, 7 users.",
		"The credentials are kept and the service is saved pending authentication",
		"Service prose-1 saved, pending authentication.",
		"Ask the customer's admin to exclude this app's service principal",
	)
	if n := strings.Count(out, "Validating…"); n != 3 {
		t.Errorf("validated %d times, want 3 (first, retry, after edit)", n)
	}
	noSecret(t, "the accessible mode's output", out, d.Secret)
	svc, err := e.store.GetService("prose-1")
	if err != nil {
		t.Fatal(err)
	}
	if svc.State != tenant.StatePendingAuth || svc.App.Secret.Reveal() != d.Secret || svc.LastValidation == nil {
		t.Errorf("parked service: state %s, secret kept %v, report %v", svc.State, svc.App.Secret.Reveal() == d.Secret, svc.LastValidation != nil)
	}
}

// A failure on the customer's side (Conditional Access) offers Save as
// pending authentication first, whole at 80 columns, and saving parks
// the service with its secret and report.
func TestParkWhenTheCustomerMustFixTheTenant(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	opts := e.options()
	opts.Demo = demoList()
	h := newHarness(t, opts)
	for h.view() != "" && !strings.Contains(h.view(), "> Proseware") {
		h.key(tea.KeyDown)
	}
	h.typ("a") // add a service with Proseware's credentials
	h.toCredentials("Proseware", "prose-1")
	h.enter() // validate
	h.contains("the credentials are right; the customer's admin must fix the tenant")
	h.contains("> Save as pending authentication  validate again once the tenant is fixed")
	for _, line := range strings.Split(h.view(), "\n") {
		if strings.Contains(line, "…") && !strings.Contains(line, "more lines") {
			t.Errorf("cut at 80 columns: %q", line)
		}
	}
	h.enter()
	h.contains("Create service")
	h.enter()
	svc, err := e.store.GetService("prose-1")
	if err != nil || svc.State != tenant.StatePendingAuth || svc.App.Secret.IsZero() || svc.LastValidation == nil {
		t.Fatalf("parked service: %+v %v", svc, err)
	}
}

// The accessible mode checks a new customer admin at once, as the screen
// does: the page never reads out a User Name nobody has looked up.
func TestAccessibleModeRechecksANewAdmin(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	out := speak(t, e,
		"2", "2", // Services, ctso-dr1
		"5", "", "", "nobody@contoso.com", // Edit: license and users kept, a new admin
		"1", "1", "6", // Back, Back, Quit
	)
	wantSaid(t, out, "Saved: Hosted Pro, 20 users.", "Checking the new customer admin (validating)…", "nobody@contoso.com")
	svc, err := e.store.GetService("ctso-dr1")
	if err != nil || svc.App.AdminUser != "nobody@contoso.com" || svc.LastValidation == nil || svc.LastValidation.Trigger != tenant.TriggerRevalidated {
		t.Fatalf("after the edit: %+v %v", svc.LastValidation, err)
	}
}

// The input ending after a number out of range ends the session cleanly
// (huh's accessible Select indexed its options with that number).
func TestAccessibleModeEndOfInputAfterABadNumber(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	var out bytes.Buffer
	opts := e.options()
	opts.Accessible = true
	opts.Input = strings.NewReader("9\n")
	opts.Output = &out
	err := Run(t.Context(), opts)
	if !strings.Contains(out.String(), "Invalid: must be a number between 1 and 6") {
		t.Errorf("no refusal of 9:\n%s", out.String())
	}
	if err != nil && !errors.Is(err, errInputClosed) {
		t.Errorf("Run: %v", err)
	}
}
