package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"onboard/tenant"
)

func TestMain(m *testing.M) {
	// The developer's own key must not leak into the tests (nor into the
	// child processes they start, which inherit this environment).
	os.Unsetenv(EnvKey)
	os.Unsetenv(EnvKeyFile)
	code := m.Run()
	cleanupBenchFixture()
	os.Exit(code)
}

var t0 = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// clock is a deterministic Options.Now that advances a second per call.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "data", "onboard.db"), Options{Now: (&clock{t: t0}).Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustCustomer(t *testing.T, s *Store, name string) tenant.Customer {
	t.Helper()
	c, err := s.CreateCustomer(name)
	if err != nil {
		t.Fatalf("CreateCustomer(%q): %v", name, err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// sampleReport is a report shaped like the validator's: every field set.
func sampleReport(at time.Time, status tenant.Status) tenant.ValidationReport {
	exp := at.Add(90 * 24 * time.Hour)
	return tenant.ValidationReport{
		Status: status, At: at, Elapsed: 812 * time.Millisecond, Cloud: "global",
		ClientID: "3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f", SecretHint: "Zq8",
		TenantID:      "0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d",
		TenantName:    "Contoso Ltd",
		InitialDomain: "contoso.onmicrosoft.com", DefaultDomain: "contoso.com",
		AppName: "Hosted Direct Routing", SecretExpiresAt: &exp, DaysUntilExpire: ptr(90),
		Roles:       []string{"Teams Administrator"},
		Permissions: []string{"Application.Read.All", "Organization.Read.All", "User.Read.All"},
		Admin:       &tenant.AdminUser{ID: "a1", UserPrincipalName: "admin@contoso.com", DisplayName: "Ada Admin", AccountEnabled: true},
		Checks: []tenant.Check{
			{Name: "token", Status: tenant.StatusPass, Detail: "got an app-only token"},
			{Name: "roles", Status: status, Detail: "Teams Administrator is assigned", Fix: "assign it in Entra ID › Roles"},
		},
		AADSTS: "", TraceID: "t-1", CorrelationID: "c-1",
	}
}

// fullService has every field set, so a round trip proves each one is kept.
func fullService(name, customer string) tenant.Service {
	manual := t0.Add(200 * 24 * time.Hour)
	r := sampleReport(t0.Add(-time.Hour), tenant.StatusWarn)
	return tenant.Service{
		Name: name, FullName: "Contoso Direct Routing", Customer: customer,
		License: tenant.LicensePro, Users: 250, M365Domain: "contoso.com",
		State: tenant.StateActive,
		App: tenant.AppRegistration{
			TenantID: "0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d", ClientID: "3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f",
			Secret: tenant.NewSecret("Zq8~" + name + "-s3cr3t-VALUE-0123456789abcdef"), AdminUser: "admin@contoso.com",
			ManualExpiry: &manual,
		},
		CreatedAt: t0.Add(-2 * time.Hour), UpdatedAt: t0.Add(-time.Hour),
		LastValidation: &r,
	}
}

func pendingService(name, customer string) tenant.Service {
	return tenant.Service{Name: name, Customer: customer, License: tenant.LicenseEssentialsPlus,
		Users: 10, State: tenant.StatePendingAuth}
}

func mustService(t *testing.T, s *Store, svc tenant.Service) {
	t.Helper()
	if err := s.CreateService(svc); err != nil {
		t.Fatalf("CreateService(%s): %v", svc.Name, err)
	}
}

func wantKind(t *testing.T, err error, kind error, msgParts ...string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v: want errors.Is %v", err, kind)
	}
	for _, p := range msgParts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not say %q", err, p)
		}
	}
}

func TestCustomerRoundTrip(t *testing.T) {
	s := openTemp(t)
	c := mustCustomer(t, s, "  Contoso Ltd ")
	if c.Name != "Contoso Ltd" || c.CreatedAt.IsZero() || !c.CreatedAt.Equal(c.UpdatedAt) {
		t.Fatalf("created %+v", c)
	}
	mustCustomer(t, s, "fabrikam")
	mustCustomer(t, s, "Álvarez & Co")
	got, err := s.GetCustomer("CONTOSO LTD")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("GetCustomer = %+v, want %+v", got, c)
	}
	list, err := s.ListCustomers()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range list {
		names = append(names, c.Name)
	}
	if want := []string{"Contoso Ltd", "fabrikam", "Álvarez & Co"}; !slices.Equal(names, want) {
		t.Fatalf("ListCustomers = %q, want %q", names, want)
	}
	if _, err := s.GetCustomer("Northwind"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetCustomer(missing) = %v, want ErrNotFound", err)
	}
}

func TestCreateCustomerRules(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	_, err := s.CreateCustomer("CONTOSO")
	wantKind(t, err, ErrExists, `a customer named "Contoso" already exists`, "ignoring case")
	if !tenant.IsRuleError(err) {
		t.Errorf("duplicate customer error is not a tenant.RuleError: %v", err)
	}
	if _, err := s.CreateCustomer("  "); !tenant.IsRuleError(err) {
		t.Errorf("blank customer name: %v, want a rule error", err)
	}
	if _, err := s.CreateCustomer("bad\x07name"); !tenant.IsRuleError(err) {
		t.Errorf("control character: %v, want a rule error", err)
	}
}

func TestServiceRoundTrip(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	full := fullService("CONTOSO-DR", "contoso") // customer spelt in another case
	pending := pendingService("fab-01", "Contoso")
	mustService(t, s, full)
	mustService(t, s, pending)

	want := full
	want.Customer = "Contoso" // the stored spelling wins
	got, err := s.GetService("contoso-dr")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("GetService round trip:\n got  %+v\n want %+v", got, want)
	}
	if got.App.Secret.Reveal() != full.App.Secret.Reveal() {
		t.Fatal("secret not unsealed")
	}
	if !got.App.ManualExpiry.Equal(*full.App.ManualExpiry) || got.LastValidation.Checks[1].Fix == "" {
		t.Fatal("manual expiry or report lost")
	}

	gotPending, err := s.GetService("FAB-01")
	if err != nil {
		t.Fatal(err)
	}
	wantPending := pending
	wantPending.CreatedAt, wantPending.UpdatedAt = gotPending.CreatedAt, gotPending.CreatedAt
	if gotPending.CreatedAt.IsZero() || !reflect.DeepEqual(gotPending, wantPending) {
		t.Fatalf("pending round trip:\n got  %+v\n want %+v", gotPending, wantPending)
	}

	// A service created with a report has it as its first history entry.
	h, err := s.History("contoso-dr")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 || !reflect.DeepEqual(h[0], *full.LastValidation) {
		t.Fatalf("History = %+v, want the creation report", h)
	}
	if h, err := s.History("fab-01"); err != nil || len(h) != 0 {
		t.Fatalf("History(pending) = %v, %v; want empty", h, err)
	}

	list, err := s.ListServices()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || !reflect.DeepEqual(list[0], want) || list[1].Name != "fab-01" {
		t.Fatalf("ListServices = %+v", list)
	}
	of, err := s.ServicesOf("CONTOSO")
	if err != nil || len(of) != 2 || !reflect.DeepEqual(of, list) {
		t.Fatalf("ServicesOf = %+v, %v", of, err)
	}
}

func TestCreateServiceRules(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustService(t, s, pendingService("Sip-One", "Contoso"))

	err := s.CreateService(pendingService("SIP-ONE", "Contoso"))
	wantKind(t, err, ErrExists, `a service named "Sip-One" already exists`, "short names are unique, ignoring case")
	if !tenant.IsRuleError(err) {
		t.Errorf("duplicate service is not a rule error: %v", err)
	}

	err = s.CreateService(pendingService("new-one", "Northwind"))
	wantKind(t, err, ErrNotFound, `no customer named "Northwind"`)
	if !tenant.IsRuleError(err) {
		t.Errorf("missing customer is not a rule error: %v", err)
	}

	bad := map[string]tenant.Service{}
	for _, name := range []string{"ab", "audit", "a.b.c", "has space", `a:bc`, "sixteen-chars-xx"} {
		bad["name "+name] = pendingService(name, "Contoso")
	}
	users := pendingService("users-0", "Contoso")
	users.Users = 0
	bad["users 0"] = users
	lic := pendingService("lic-bad", "Contoso")
	lic.License = "gold"
	bad["license"] = lic
	fullName := pendingService("full-bad", "Contoso")
	fullName.FullName = "tab\there"
	bad["full name"] = fullName
	for what, svc := range bad {
		if err := s.CreateService(svc); !tenant.IsRuleError(err) {
			t.Errorf("%s: CreateService = %v, want a rule error", what, err)
		}
	}
	list, err := s.ListServices()
	if err != nil || len(list) != 1 {
		t.Fatalf("rejected services were stored: %+v, %v", list, err)
	}
}

func TestNotFound(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	checks := map[string]error{
		"GetService":       func() error { _, err := s.GetService("nope"); return err }(),
		"UpdateService":    s.UpdateService("nope", func(*tenant.Service) error { return nil }),
		"DeleteService":    s.DeleteService("nope"),
		"RecordValidation": s.RecordValidation("nope", sampleReport(t0, tenant.StatusPass)),
		"ReplaceSecret":    s.ReplaceSecret("nope", tenant.NewSecret("x-y-z-secret"), sampleReport(t0, tenant.StatusPass)),
		"History":          func() error { _, err := s.History("nope"); return err }(),
		"GetCustomer":      func() error { _, err := s.GetCustomer("nope"); return err }(),
		"RenameCustomer":   s.RenameCustomer("nope", "other"),
		"DeleteCustomer":   s.DeleteCustomer("nope"),
		"ServicesOf":       func() error { _, err := s.ServicesOf("nope"); return err }(),
	}
	for what, err := range checks {
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `"nope"`) {
			t.Errorf("%s: %v, want ErrNotFound naming \"nope\"", what, err)
		}
	}
}

func TestRenameCustomerMovesServices(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustCustomer(t, s, "Fabrikam")
	mustService(t, s, fullService("con-1", "Contoso"))
	mustService(t, s, pendingService("con-2", "Contoso"))
	mustService(t, s, pendingService("fab-1", "Fabrikam"))

	err := s.RenameCustomer("contoso", "FABRIKAM")
	wantKind(t, err, ErrExists, `a customer named "Fabrikam" already exists`)

	if err := s.RenameCustomer("CONTOSO", "Contoso Holdings"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetCustomer("Contoso"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old name still found: %v", err)
	}
	if _, err := s.ServicesOf("Contoso"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ServicesOf(old name) = %v, want ErrNotFound", err)
	}
	of, err := s.ServicesOf("contoso holdings")
	if err != nil {
		t.Fatal(err)
	}
	if len(of) != 2 || of[0].Name != "con-1" || of[1].Name != "con-2" {
		t.Fatalf("ServicesOf(new) = %+v", of)
	}
	for _, svc := range of {
		if svc.Customer != "Contoso Holdings" {
			t.Errorf("%s belongs to %q after the rename", svc.Name, svc.Customer)
		}
	}
	if got, _ := s.GetService("con-1"); got.Customer != "Contoso Holdings" || got.App.Secret.Reveal() == "" {
		t.Errorf("GetService after rename: customer %q", got.Customer)
	}
	// A change of case only is a rename too.
	if err := s.RenameCustomer("contoso holdings", "CONTOSO HOLDINGS"); err != nil {
		t.Fatal(err)
	}
	if of, _ := s.ServicesOf("Contoso Holdings"); len(of) != 2 || of[0].Customer != "CONTOSO HOLDINGS" {
		t.Fatalf("case-only rename: %+v", of)
	}
	if of, _ := s.ServicesOf("Fabrikam"); len(of) != 1 || of[0].Name != "fab-1" {
		t.Fatalf("other customer's services changed: %+v", of)
	}
	if err := s.RenameCustomer("Fabrikam", ""); !tenant.IsRuleError(err) {
		t.Fatalf("rename to blank: %v, want a rule error", err)
	}
}

func TestDeleteCustomer(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustService(t, s, pendingService("Con-1", "Contoso"))
	mustService(t, s, pendingService("Con-2", "Contoso"))

	err := s.DeleteCustomer("contoso")
	wantKind(t, err, ErrCustomerHasServices, "cannot delete customer Contoso", "2 service(s)", "Con-1", "Con-2", "first")
	if _, err := s.GetCustomer("Contoso"); err != nil {
		t.Fatalf("customer gone after a refused delete: %v", err)
	}
	for _, n := range []string{"con-1", "CON-2"} {
		if err := s.DeleteService(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteCustomer("CONTOSO"); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.ListCustomers(); len(list) != 0 {
		t.Fatalf("customers left: %+v", list)
	}
	// The name is free again.
	mustCustomer(t, s, "contoso")
}

func TestDeleteServiceRemovesHistory(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustService(t, s, fullService("con-1", "Contoso"))
	mustService(t, s, fullService("con-2", "Contoso"))
	for i := range 3 {
		if err := s.RecordValidation("con-1", sampleReport(t0.Add(time.Duration(i)*time.Hour), tenant.StatusPass)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordValidation("con-2", sampleReport(t0, tenant.StatusPass)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteService("CON-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetService("con-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted service found: %v", err)
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		n := map[string]int{}
		tx.Bucket(bucketHistory).ForEach(func(k, _ []byte) error {
			name, _, _ := strings.Cut(string(k), "\x00")
			n[name]++
			return nil
		})
		if n["con-1"] != 0 || n["con-2"] != 1 || len(n) != 1 {
			return fmt.Errorf("history left after the delete: %v", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The same name created again starts with an empty history.
	mustService(t, s, pendingService("Con-1", "Contoso"))
	if h, err := s.History("con-1"); err != nil || len(h) != 0 {
		t.Fatalf("new service inherited history: %d entries, %v", len(h), err)
	}
	if of, _ := s.ServicesOf("Contoso"); len(of) != 2 {
		t.Fatalf("ServicesOf = %d services, want 2", len(of))
	}
	if h, _ := s.History("con-2"); len(h) != 2 {
		t.Fatalf("the other service's history has %d entries, want 2", len(h))
	}
}

func TestHistoryNewestFirst(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustService(t, s, pendingService("con-1", "Contoso"))
	var want []tenant.ValidationReport
	// More than 255 entries, so a little-endian or text key would sort wrong.
	for i := range 300 {
		r := sampleReport(t0.Add(time.Duration(i)*time.Minute), []tenant.Status{tenant.StatusPass, tenant.StatusWarn, tenant.StatusFail}[i%3])
		r.TraceID = fmt.Sprint("trace-", i)
		if err := s.RecordValidation("CON-1", r); err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	slices.Reverse(want)
	got, err := s.History("con-1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("History is not the reports newest first (%d entries; first %s)", len(got), got[0].TraceID)
	}
	svc, _ := s.GetService("con-1")
	if !reflect.DeepEqual(*svc.LastValidation, want[0]) {
		t.Fatalf("LastValidation is not the newest report: %s", svc.LastValidation.TraceID)
	}
}

func TestRecordValidationApplies(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	svc := pendingService("con-1", "Contoso")
	svc.App = tenant.AppRegistration{TenantID: "contoso.onmicrosoft.com", ClientID: "3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f",
		Secret: tenant.NewSecret("abcdefgh-secret")}
	mustService(t, s, svc)

	failed := sampleReport(t0, tenant.StatusFail)
	failed.TenantID = ""
	if err := s.RecordValidation("con-1", failed); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetService("con-1")
	if got.State != tenant.StatePendingAuth || got.App.TenantID != "contoso.onmicrosoft.com" {
		t.Fatalf("a failed report changed state/tenant: %+v", got)
	}
	if got.M365Domain != "contoso.onmicrosoft.com" {
		t.Fatalf("empty M365 domain not defaulted to the initial domain: %q", got.M365Domain)
	}

	passed := sampleReport(t0.Add(time.Hour), tenant.StatusPass)
	if err := s.RecordValidation("con-1", passed); err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetService("con-1")
	if got.State != tenant.StateActive || got.App.TenantID != passed.TenantID || got.LastValidation.Status != tenant.StatusPass {
		t.Fatalf("passing report not applied: %+v", got)
	}
	if !got.UpdatedAt.After(got.CreatedAt) {
		t.Fatalf("UpdatedAt not advanced: %v / %v", got.CreatedAt, got.UpdatedAt)
	}
	if got.App.Secret.Reveal() != "abcdefgh-secret" {
		t.Fatal("RecordValidation lost the secret")
	}
}

func TestReplaceSecret(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustService(t, s, fullService("con-1", "Contoso"))

	r := sampleReport(t0.Add(time.Hour), tenant.StatusPass)
	r.SecretHint = "NEW"
	if err := s.ReplaceSecret("CON-1", tenant.NewSecret("NEW~secret-value-42"), r); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetService("con-1")
	if got.App.Secret.Reveal() != "NEW~secret-value-42" || got.LastValidation.SecretHint != "NEW" {
		t.Fatalf("secret or report not replaced: %s %+v", got.App.Secret, got.LastValidation)
	}
	if got.App.ManualExpiry != nil {
		t.Fatal("a report with a read expiry should clear the manual expiry (Service.Apply)")
	}
	if h, _ := s.History("con-1"); len(h) != 2 || h[0].SecretHint != "NEW" {
		t.Fatalf("history after ReplaceSecret: %+v", h)
	}
	err := s.ReplaceSecret("con-1", tenant.Secret{}, r)
	if !tenant.IsRuleError(err) {
		t.Fatalf("empty secret: %v, want a rule error", err)
	}
	if h, _ := s.History("con-1"); len(h) != 2 {
		t.Fatal("a refused ReplaceSecret wrote history")
	}
}

// AddCredentials saves a pending service's App registration and the report
// of its validation together; a refused call changes nothing.
func TestAddCredentials(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustService(t, s, pendingService("con-2", "Contoso"))

	app := tenant.AppRegistration{TenantID: "contoso.onmicrosoft.com", ClientID: "3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f",
		AdminUser: "admin@contoso.com"}
	if err := s.AddCredentials("con-2", app, sampleReport(t0, tenant.StatusPass)); !tenant.IsRuleError(err) {
		t.Fatalf("no secret: %v, want a rule error", err)
	}
	if got, _ := s.GetService("con-2"); got.App.ClientID != "" || got.LastValidation != nil {
		t.Fatalf("a refused AddCredentials saved part of the credentials: %+v", got.App)
	}

	app.Secret = tenant.NewSecret("Zq8~added-later-secret")
	r := sampleReport(t0, tenant.StatusPass)
	if err := s.AddCredentials("CON-2", app, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetService("con-2")
	if err != nil {
		t.Fatal(err)
	}
	if got.App.Secret.Reveal() != "Zq8~added-later-secret" || got.App.ClientID != app.ClientID || got.App.AdminUser != app.AdminUser ||
		got.App.TenantID != r.TenantID || got.State != tenant.StateActive {
		t.Fatalf("after AddCredentials: %+v %s", got.App, got.State)
	}
	if h, _ := s.History("con-2"); len(h) != 1 {
		t.Fatalf("history = %d, want the validation recorded", len(h))
	}
}

func TestUpdateService(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustCustomer(t, s, "Fabrikam")
	mustService(t, s, fullService("con-1", "Contoso"))
	before, _ := s.GetService("con-1")

	expiry := t0.Add(30 * 24 * time.Hour)
	err := s.UpdateService("CON-1", func(svc *tenant.Service) error {
		svc.Users = 500
		svc.License = tenant.LicenseEssentialsPlus
		svc.M365Domain = "contoso.example"
		svc.FullName = "  Renamed full name "
		svc.App.ManualExpiry = &expiry
		svc.LastValidation.Status = tenant.StatusFail // ignored: history is append-only
		svc.CreatedAt = time.Time{}                   // ignored
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetService("con-1")
	if got.Users != 500 || got.License != tenant.LicenseEssentialsPlus || got.M365Domain != "contoso.example" ||
		got.FullName != "Renamed full name" || !got.App.ManualExpiry.Equal(expiry) {
		t.Fatalf("edits not saved: %+v", got)
	}
	if !reflect.DeepEqual(got.LastValidation, before.LastValidation) || !got.CreatedAt.Equal(before.CreatedAt) {
		t.Fatal("UpdateService changed LastValidation or CreatedAt")
	}
	if got.App.Secret != before.App.Secret || !got.UpdatedAt.After(before.UpdatedAt) {
		t.Fatal("secret lost or UpdatedAt not advanced")
	}

	// Rejected edits write nothing.
	fnErr := errors.New("engineer cancelled")
	for what, fn := range map[string]func(*tenant.Service) error{
		"fn error":  func(svc *tenant.Service) error { svc.Users = 3; return fnErr },
		"users 501": func(svc *tenant.Service) error { svc.Users = 501; return nil },
		"rename":    func(svc *tenant.Service) error { svc.Name = "con-2"; return nil },
		"no such customer": func(svc *tenant.Service) error {
			svc.Customer = "Northwind"
			svc.Users = 3
			return nil
		},
	} {
		err := s.UpdateService("con-1", fn)
		if err == nil || (what != "fn error" && !tenant.IsRuleError(err)) || (what == "fn error" && err != fnErr) {
			t.Errorf("%s: UpdateService = %v", what, err)
		}
	}
	if again, _ := s.GetService("con-1"); !reflect.DeepEqual(again, got) {
		t.Fatalf("a rejected update changed the service:\n%+v\n%+v", again, got)
	}

	// Moving to another customer follows the index; case-only rename is allowed.
	err = s.UpdateService("con-1", func(svc *tenant.Service) error {
		svc.Customer = "fabrikam"
		svc.Name = "CON-1"
		svc.App.Secret = tenant.NewSecret("rotated-secret-value")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if of, _ := s.ServicesOf("Contoso"); len(of) != 0 {
		t.Fatalf("still listed under Contoso: %+v", of)
	}
	of, _ := s.ServicesOf("Fabrikam")
	if len(of) != 1 || of[0].Customer != "Fabrikam" || of[0].Name != "CON-1" || of[0].App.Secret.Reveal() != "rotated-secret-value" {
		t.Fatalf("ServicesOf(Fabrikam) = %+v", of)
	}
}

// Many writers race to create the same name in different cases: the check
// and the write share one transaction, so exactly one wins.
func TestUniquenessRace(t *testing.T) {
	s := openTemp(t)
	const racers = 16
	spell := func(i int) string {
		if i%2 == 0 {
			return "contoso"
		}
		return "CONTOSO"
	}
	wins := race(t, racers, func(i int) error { _, err := s.CreateCustomer(spell(i)); return err })
	if wins != 1 {
		t.Fatalf("%d customers named contoso were created, want 1", wins)
	}
	wins = race(t, racers, func(i int) error {
		return s.CreateService(pendingService(spell(i)[:4]+"-dr", spell(i+1)))
	})
	if wins != 1 {
		t.Fatalf("%d services named cont-dr were created, want 1", wins)
	}
	list, _ := s.ListServices()
	cust, _ := s.ListCustomers()
	if len(list) != 1 || len(cust) != 1 {
		t.Fatalf("%d services, %d customers stored", len(list), len(cust))
	}
	if of, _ := s.ServicesOf("contoso"); len(of) != 1 {
		t.Fatalf("owners index has %d entries", len(of))
	}
}

// race runs fn in racers goroutines released at once and counts successes;
// every failure must be ErrExists.
func race(t *testing.T, racers int, fn func(i int) error) int {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, racers)
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, ErrExists) || !tenant.IsRuleError(err):
			t.Errorf("loser got %v, want ErrExists", err)
		}
	}
	return wins
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "onboard.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Path() != path {
		t.Fatalf("Path() = %q", s.Path())
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600, filepath.Join(dir, KeyFileName): 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %04o, want %04o", p, fi.Mode().Perm(), want)
		}
	}
	if _, err := Open("", Options{}); err == nil {
		t.Fatal("Open(\"\") succeeded")
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "onboard.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, seqKey(SchemaVersion+1))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(path, Options{})
	wantKind(t, err, ErrNewerSchema, path,
		fmt.Sprintf("written by a newer onboard (schema %d, this build knows %d): upgrade onboard", SchemaVersion+1, SchemaVersion))
}

func TestNewerRecordRefused(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustService(t, s, pendingService("con-1", "Contoso"))
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketServices).Put(nameKey("con-1"), []byte(`{"v":2,"name":"con-1","future":true}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.GetService("con-1")
	wantKind(t, err, ErrNewerSchema, "upgrade onboard")
	if _, err := s.ListServices(); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("ListServices = %v", err)
	}
}

func TestNotAnOnboardDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(path, Options{}); err == nil {
		s.Close()
		t.Fatal("Open accepted a file that is not a bbolt database")
	}
}

func TestDefaultPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "/srv/data")
	if p, err := DefaultPath(); err != nil || p != "/srv/data/onboard/onboard.db" {
		t.Fatalf("DefaultPath with XDG_DATA_HOME = %q, %v", p, err)
	}
	for _, xdg := range []string{"", "relative/dir"} {
		t.Setenv("XDG_DATA_HOME", xdg)
		if p, err := DefaultPath(); err != nil || p != filepath.Join(home, ".local/share/onboard/onboard.db") {
			t.Fatalf("DefaultPath with XDG_DATA_HOME=%q = %q, %v", xdg, p, err)
		}
	}
}

// Enough services for ListServices to decode on several goroutines: the
// result is in name order, equal to what GetService returns, and an error is
// the first failing service's, whatever the scheduling.
func TestListManyServices(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustCustomer(t, s, "Fabrikam")
	const n = 2500
	err := s.db.Update(func(tx *bolt.Tx) error {
		for i := range n {
			svc := fullService(fmt.Sprintf("svc-%05d", (i*7919)%n), []string{"Contoso", "Fabrikam"}[i%2])
			rec, err := s.newServiceRecord(svc)
			if err != nil {
				return err
			}
			if err := s.createService(tx, rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.ListServices()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != n {
		t.Fatalf("%d services listed, want %d", len(list), n)
	}
	for i, svc := range list {
		if want := fmt.Sprintf("svc-%05d", i); svc.Name != want {
			t.Fatalf("list[%d] = %s, want %s", i, svc.Name, want)
		}
	}
	for _, i := range []int{0, 1, 777, n - 1} {
		got, err := s.GetService(list[i].Name)
		if err != nil || !reflect.DeepEqual(got, list[i]) {
			t.Fatalf("GetService(%s) differs from the listed one: %v", list[i].Name, err)
		}
	}
	of, err := s.ServicesOf("fabrikam")
	if err != nil || len(of) != n/2 {
		t.Fatalf("ServicesOf = %d services, %v", len(of), err)
	}

	// Damage two records: the error names the first in order.
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketServices)
		for _, name := range []string{"svc-02000", "svc-01234"} {
			if err := b.Put(nameKey(name), []byte(`{"v":1,"name":"`+name+`","users":"many"}`)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		_, err := s.ListServices()
		if err == nil || !strings.Contains(err.Error(), "service svc-01234: read service: the stored value is damaged") {
			t.Fatalf("ListServices with damaged records = %v", err)
		}
	}
}

// Values are copied out of their transaction: what a read returned stays
// intact after bbolt has grown the file and re-mapped it (the memory a
// transaction's values live in is then unmapped: a string still pointing
// there would fault or read other bytes). Customers and one service are
// stored as plain JSON too, the form read without unpacking.
func TestValuesOutliveTheirTransaction(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustService(t, s, fullService("con-1", "Contoso"))
	mustService(t, s, fullService("con-2", "Contoso"))
	if err := s.RecordValidation("con-1", sampleReport(t0, tenant.StatusFail)); err != nil {
		t.Fatal(err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketServices)
		rec, err := s.decodeService(b.Get(nameKey("con-2")))
		if err != nil {
			return err
		}
		return putJSON(b, nameKey("con-2"), rec)
	})
	if err != nil {
		t.Fatal(err)
	}
	read := func() (svc tenant.Service, list []tenant.Service, h []tenant.ValidationReport, cs []tenant.Customer) {
		t.Helper()
		var errs [4]error
		svc, errs[0] = s.GetService("con-2")
		list, errs[1] = s.ListServices()
		h, errs[2] = s.History("con-1")
		cs, errs[3] = s.ListCustomers()
		if err := errors.Join(errs[:]...); err != nil {
			t.Fatal(err)
		}
		return
	}
	svc, list, h, cs := read()
	fileSize := func() int64 {
		fi, err := os.Stat(s.Path())
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	size := fileSize()
	// Grow the file well past its mapping (bbolt re-maps as it grows).
	s.db.NoSync = true
	for i := range 400 {
		mustService(t, s, fullService(fmt.Sprintf("grow-%03d", i), "Contoso"))
	}
	if fileSize() <= size {
		t.Fatal("the file did not grow")
	}
	// Overwrite what the first reads saw, so stale memory differs.
	for _, name := range []string{"con-1", "con-2"} {
		if err := s.UpdateService(name, func(svc *tenant.Service) error { svc.Users = 499; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	svc2, _, h2, cs2 := read()
	svc2.Users, svc2.UpdatedAt = svc.Users, svc.UpdatedAt
	if !reflect.DeepEqual(svc, svc2) || !reflect.DeepEqual(h, h2) || !reflect.DeepEqual(cs, cs2) {
		t.Fatal("values read before the file grew changed")
	}
	if len(list) != 2 || list[1].Users != 250 || !reflect.DeepEqual(list[1], svc) {
		t.Fatalf("listed values changed: %+v", list)
	}
}
