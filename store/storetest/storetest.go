// Package storetest is the conformance suite every storage backend of
// onboard passes (store/bolt, store/postgres): the rules the store owns,
// the same on every backend. A backend's test calls Run with a Factory
// that makes empty databases.
package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/store/bolt"
	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// Database is one empty database a backend made for a test.
type Database interface {
	// Open opens the database with these keys, as this engineer.
	Open(keys *seal.Keyring, actor usecase.Actor) (usecase.Store, error)
	// Raw is every byte the backend keeps of the database (the file, a
	// dump of the tables), to search for what must not be there.
	Raw(t testing.TB) []byte
	// SetSchema marks the database as written by schema version v.
	SetSchema(t testing.TB, v int)
	// Exclusive reports whether only one Store can be open at a time
	// (bbolt's file lock); the suite then closes before reopening.
	Exclusive() bool
}

// Factory makes an empty database for one test.
type Factory func(t testing.TB) Database

// NewKey is a random sealing key.
func NewKey(t testing.TB) *seal.Key {
	t.Helper()
	raw := make([]byte, seal.KeySize)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	k, err := seal.NewKey(raw, "test key "+hex.EncodeToString(raw[:2]))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Bolt is a new bbolt store in the test's temporary directory, sealed
// with a random key, stamped by now (nil: time.Now), closed when the test
// ends: the store the tests of the use cases and the screens run on.
func Bolt(t testing.TB, now func() time.Time) usecase.Store {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "onboard.db"), bolt.Options{Keys: seal.NewKeyring(NewKey(t)), Now: now, Actor: Engineer})
	if err != nil {
		t.Fatalf("open a bbolt store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// Engineer is the actor the suite writes as.
var Engineer = usecase.Actor{Engineer: "alice", Host: "desk-1"}

// fixture is one open database of a test.
type fixture struct {
	t    *testing.T
	db   Database
	keys *seal.Keyring
	st   usecase.Store
	now  time.Time
}

func open(t *testing.T, f Factory) *fixture {
	t.Helper()
	x := &fixture{t: t, db: f(t), keys: seal.NewKeyring(NewKey(t)), now: time.Now().UTC().Truncate(time.Second)}
	x.reopen(x.keys)
	return x
}

// reopen closes the store and opens it again with keys.
func (x *fixture) reopen(keys *seal.Keyring) {
	x.t.Helper()
	if x.st != nil {
		_ = x.st.Close()
		x.st = nil
	}
	st, err := x.db.Open(keys, Engineer)
	if err != nil {
		x.t.Fatalf("open: %v", err)
	}
	x.st = st
	x.t.Cleanup(func() { _ = st.Close() })
}

func (x *fixture) customer(name string) {
	x.t.Helper()
	if _, err := x.st.CreateCustomer(name); err != nil {
		x.t.Fatalf("create customer %s: %v", name, err)
	}
}

// secretOf is the fixture secret of a service: long, shaped like Entra's.
func secretOf(name string) tenant.Secret {
	return tenant.NewSecret("Sx8Q~" + strings.Repeat(strings.ToUpper(name)+"_", 3) + "zz9.Q")
}

// report is a passing report at.
func report(at time.Time, trigger tenant.Trigger, hint string) tenant.ValidationReport {
	exp := at.AddDate(0, 0, 200)
	days := tenant.DaysUntil(at, exp)
	r := tenant.ValidationReport{At: at, Trigger: trigger, ClientID: "11111111-2222-4333-8444-555555555555", SecretHint: hint,
		TenantID: "22222222-3333-4444-8555-666666666666", TenantName: "Contoso Ltd", InitialDomain: "contoso.onmicrosoft.com",
		SecretExpiresAt: &exp, DaysUntilExpire: &days, Roles: []string{"Teams Administrator"}, Permissions: []string{"Organization.Read.All"}}
	r.Add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusPass, Detail: "Entra ID issued an app-only token: the secret works."})
	r.Add(tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusPass, Detail: "Teams Administrator is assigned to the app."})
	return r
}

// service is an active service of customer with a secret and a report.
func (x *fixture) service(customer, name string) tenant.Service {
	x.t.Helper()
	secret := secretOf(name)
	r := report(x.now, tenant.TriggerCreated, secret.Hint())
	svc := tenant.Service{Name: name, Customer: customer, License: tenant.LicensePro, Users: 25, State: tenant.StatePendingAuth,
		M365Domain: "contoso.com",
		App:        tenant.AppRegistration{TenantID: "contoso.onmicrosoft.com", ClientID: r.ClientID, Secret: secret, AdminUser: "admin@contoso.com"}}
	if err := svc.Activate(&r); err != nil {
		x.t.Fatal(err)
	}
	if err := x.st.CreateService(svc); err != nil {
		x.t.Fatalf("create service %s: %v", name, err)
	}
	return svc
}

// Run runs the conformance suite against the backend f makes.
func Run(t *testing.T, f Factory) {
	tests := []struct {
		name string
		fn   func(t *testing.T, f Factory)
	}{
		{"CustomersRoundTrip", customersRoundTrip},
		{"CustomerRulesInTheStore", customerRules},
		{"ServiceRoundTrip", serviceRoundTrip},
		{"ServiceRulesInTheStore", serviceRules},
		{"UniqueNameUnderARace", uniqueUnderRace},
		{"SummariesAreWhatListsShow", summaries},
		{"UpdateAndStaleCopies", updateAndStale},
		{"SaveCredentials", saveCredentials},
		{"HistoryNewestFirst", historyOrder},
		{"BatchRecordingPerEntry", batchPerEntry},
		{"SecretAbsentFromTheBytes", secretAbsent},
		{"WrongKeyRefusedAtOpen", wrongKey},
		{"RotationKeepsOldKeysReadable", olderKeys},
		{"NewerSchemaRefused", newerSchema},
		{"AuditTrail", auditTrail},
		{"RekeyInterruptedThenFinished", rekeyInterrupted},
		{"CheckReadsEverything", checkAll},
		{"BackupIsAnOfflineCopy", backupCopy},
		{"CopyFromALaptop", copyFromLaptop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, f) })
	}
}

func isRule(err error) bool { return tenant.IsRuleError(err) }

func customersRoundTrip(t *testing.T, f Factory) {
	x := open(t, f)
	for _, n := range []string{"Fabrikam", "contoso Ltd", "Adatum"} {
		x.customer(n)
	}
	got, err := x.st.GetCustomer("CONTOSO LTD")
	if err != nil || got.Name != "contoso Ltd" || got.CreatedAt.IsZero() {
		t.Fatalf("get ignoring case: %+v %v", got, err)
	}
	list, err := x.st.ListCustomers()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range list {
		names = append(names, c.Name)
	}
	if fmt.Sprint(names) != "[Adatum contoso Ltd Fabrikam]" {
		t.Errorf("list = %v, want sorted ignoring case", names)
	}
	x.service("contoso Ltd", "CON-01")
	if err := x.st.RenameCustomer("Contoso ltd", "Contoso Limited"); err != nil {
		t.Fatal(err)
	}
	svc, err := x.st.GetService("con-01")
	if err != nil || svc.Customer != "Contoso Limited" {
		t.Errorf("services follow a renamed customer: %+v %v", svc.Customer, err)
	}
	if _, err := x.st.GetCustomer("contoso ltd"); !errors.Is(err, usecase.ErrNotFound) {
		t.Errorf("old name still found: %v", err)
	}
	if err := x.st.RenameCustomer("contoso limited", "CONTOSO LIMITED"); err != nil {
		t.Errorf("a change of case only is allowed: %v", err)
	}
}

func customerRules(t *testing.T, f Factory) {
	x := open(t, f)
	x.customer("Contoso")
	_, err := x.st.CreateCustomer("  CONTOSO ")
	if !errors.Is(err, usecase.ErrExists) || !isRule(err) || !strings.Contains(err.Error(), `"Contoso"`) {
		t.Errorf("duplicate customer: %v (must be ErrExists, a rule, naming the stored spelling)", err)
	}
	if _, err := x.st.CreateCustomer(""); !isRule(err) {
		t.Errorf("empty name: %v", err)
	}
	x.customer("Fabrikam")
	if err := x.st.RenameCustomer("fabrikam", "contoso"); !errors.Is(err, usecase.ErrExists) {
		t.Errorf("rename onto a taken name: %v", err)
	}
	x.service("Contoso", "CON-01")
	err = x.st.DeleteCustomer("contoso")
	if !errors.Is(err, usecase.ErrCustomerHasServices) || !strings.Contains(err.Error(), "CON-01") {
		t.Errorf("delete with services: %v (must name them)", err)
	}
	if err := x.st.DeleteCustomer("fabrikam"); err != nil {
		t.Errorf("delete: %v", err)
	}
	if err := x.st.DeleteCustomer("fabrikam"); !errors.Is(err, usecase.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
}

func serviceRoundTrip(t *testing.T, f Factory) {
	x := open(t, f)
	x.customer("Contoso")
	want := x.service("Contoso", "Con-01")
	got, err := x.st.GetService("CON-01")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Con-01" || got.Customer != "Contoso" || got.License != tenant.LicensePro || got.Users != 25 ||
		got.State != tenant.StateActive || got.M365Domain != "contoso.com" || got.Version != 1 || got.UpdatedBy != Engineer.Engineer {
		t.Errorf("service = %+v", got)
	}
	if got.App.Secret.Reveal() != want.App.Secret.Reveal() || got.App.ClientID != want.App.ClientID ||
		got.App.TenantID != want.LastValidation.TenantID || got.App.AdminUser != "admin@contoso.com" {
		t.Errorf("app = %+v", got.App)
	}
	r := got.LastValidation
	if r == nil || r.Status != tenant.StatusPass || r.TenantName != "Contoso Ltd" || len(r.Checks) != 2 ||
		r.Checks[1].Group != tenant.GroupReadiness || r.SecretExpiresAt == nil || r.Trigger != tenant.TriggerCreated {
		t.Errorf("last validation = %+v", r)
	}
	h, err := x.st.History("con-01")
	if err != nil || len(h) != 1 {
		t.Errorf("history: %d %v", len(h), err)
	}
	list, err := x.st.ListServices()
	if err != nil || len(list.Services) != 1 || len(list.Unreadable) != 0 || list.Services[0].App.Secret.Reveal() != want.App.Secret.Reveal() ||
		list.Services[0].LastValidation == nil {
		t.Errorf("list services: %+v %v", list, err)
	}
	// A service pending authentication has no secret and no history.
	p := tenant.Service{Name: "Con-02", Customer: "contoso", License: tenant.LicenseEssentialsPlus, Users: 1, State: tenant.StatePendingAuth}
	if err := x.st.CreateService(p); err != nil {
		t.Fatal(err)
	}
	got, err = x.st.GetService("con-02")
	if err != nil || got.HasCredentials() || got.LastValidation != nil || got.Customer != "Contoso" {
		t.Errorf("pending: %+v %v", got, err)
	}
	if err := x.st.DeleteService("con-01", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := x.st.GetService("con-01"); !errors.Is(err, usecase.ErrNotFound) {
		t.Errorf("deleted: %v", err)
	}
	if _, err := x.st.History("con-01"); !errors.Is(err, usecase.ErrNotFound) {
		t.Errorf("history of deleted: %v", err)
	}
	if err := x.st.DeleteCustomer("contoso"); !errors.Is(err, usecase.ErrCustomerHasServices) {
		t.Errorf("Con-02 still belongs to Contoso: %v", err)
	}
}

func serviceRules(t *testing.T, f Factory) {
	x := open(t, f)
	x.customer("Contoso")
	x.service("Contoso", "CON-01")
	dup := tenant.Service{Name: "con-01", Customer: "Contoso", License: tenant.LicensePro, Users: 1, State: tenant.StatePendingAuth}
	err := x.st.CreateService(dup)
	if !errors.Is(err, usecase.ErrExists) || !isRule(err) || !strings.Contains(err.Error(), `"CON-01"`) {
		t.Errorf("duplicate short name: %v (must name the stored spelling)", err)
	}
	noCust := dup
	noCust.Name, noCust.Customer = "CON-02", "Nobody"
	if err := x.st.CreateService(noCust); !errors.Is(err, usecase.ErrNotFound) || !isRule(err) {
		t.Errorf("missing customer: %v", err)
	}
	for _, bad := range []func(*tenant.Service){
		func(s *tenant.Service) { s.Name = "a.b" },
		func(s *tenant.Service) { s.Name = "audit" },
		func(s *tenant.Service) { s.Users = 501 },
		func(s *tenant.Service) { s.License = "gold" },
	} {
		s := dup
		s.Name = "CON-03"
		bad(&s)
		if err := x.st.CreateService(s); !isRule(err) {
			t.Errorf("%+v: %v, want a rule error", s, err)
		}
	}
	sums, _ := x.st.ListSummaries()
	if len(sums) != 1 {
		t.Errorf("refused services were saved: %d", len(sums))
	}
}

func uniqueUnderRace(t *testing.T, f Factory) {
	x := open(t, f)
	x.customer("Contoso")
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, exists := 0, 0
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "race-svc"
			if i%2 == 1 {
				name = "RACE-SVC"
			}
			err := x.st.CreateService(tenant.Service{Name: name, Customer: "Contoso", License: tenant.LicensePro, Users: 1, State: tenant.StatePendingAuth})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, usecase.ErrExists):
				exists++
			default:
				t.Errorf("create: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || exists != 15 {
		t.Errorf("%d created, %d refused as taken; want exactly one winner", wins, exists)
	}
}

func summaries(t *testing.T, f Factory) {
	x := open(t, f)
	x.customer("Contoso")
	x.service("Contoso", "b-svc")
	x.service("Contoso", "A-svc")
	if err := x.st.CreateService(tenant.Service{Name: "c-pend", Customer: "Contoso", License: tenant.LicenseEssentialsPlus, Users: 3, State: tenant.StatePendingAuth}); err != nil {
		t.Fatal(err)
	}
	sums, err := x.st.ListSummaries()
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 3 || sums[0].Name != "A-svc" || sums[1].Name != "b-svc" || sums[2].Name != "c-pend" {
		t.Fatalf("summaries %+v, want sorted ignoring case", sums)
	}
	a := sums[0]
	if a.Customer != "Contoso" || a.License != tenant.LicensePro || a.Users != 25 || a.State != tenant.StateActive || !a.HasSecret ||
		a.SecretHint != secretOf("A-svc").Masked() || a.LastStatus != tenant.StatusPass || a.LastAt == nil || a.TenantName != "Contoso Ltd" ||
		a.SecretExpiresAt == nil || a.ExpiryTyped || a.TenantID == "" || a.ClientID == "" || a.Version != 1 {
		t.Errorf("summary = %+v", a)
	}
	if p := sums[2]; p.HasSecret || p.LastStatus != "" || p.SecretExpiresAt != nil || p.State != tenant.StatePendingAuth {
		t.Errorf("pending summary = %+v", p)
	}
}

func updateAndStale(t *testing.T, f Factory) {
	x := open(t, f)
	x.customer("Contoso")
	x.customer("Fabrikam")
	x.service("Contoso", "CON-01")
	opened, err := x.st.GetService("con-01")
	if err != nil {
		t.Fatal(err)
	}
	expiry := time.Date(2027, 3, 1, 23, 59, 59, 0, time.UTC)
	err = x.st.UpdateService("con-01", opened.Version, func(s *tenant.Service) error {
		s.License, s.Users, s.FullName, s.Customer = tenant.LicenseEssentialsPlus, 40, " Contoso voice ", "fabrikam"
		s.App.AdminUser, s.App.ManualExpiry = "it@contoso.com", &expiry
		s.App.ClientID = "ignored"   // the credentials change only through SaveCredentials
		s.State = tenant.StateActive // so does the state
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := x.st.GetService("CON-01")
	if got.License != tenant.LicenseEssentialsPlus || got.Users != 40 || got.FullName != "Contoso voice" || got.Customer != "Fabrikam" ||
		got.App.AdminUser != "it@contoso.com" || got.App.ClientID != opened.App.ClientID || got.Version != opened.Version+1 ||
		got.App.Secret.Reveal() != opened.App.Secret.Reveal() || got.LastValidation == nil {
		t.Errorf("after update: %+v", got)
	}
	if err := x.st.DeleteCustomer("contoso"); err != nil {
		t.Errorf("the service moved to Fabrikam, Contoso is free to go: %v", err)
	}
	// The copy opened before the edit is stale now.
	err = x.st.UpdateService("con-01", opened.Version, func(s *tenant.Service) error { s.Users = 1; return nil })
	if !errors.Is(err, usecase.ErrStale) || !strings.Contains(err.Error(), Engineer.Engineer) {
		t.Errorf("stale edit: %v (must be ErrStale naming who changed it)", err)
	}
	if err := x.st.DeleteService("con-01", opened.Version); !errors.Is(err, usecase.ErrStale) {
		t.Errorf("stale delete: %v", err)
	}
	if got2, _ := x.st.GetService("con-01"); got2.Users != 40 {
		t.Errorf("a refused edit changed the service: %d users", got2.Users)
	}
	// Renaming is refused, a change of case is not; a broken rule changes nothing.
	if err := x.st.UpdateService("con-01", 0, func(s *tenant.Service) error { s.Name = "other"; return nil }); !isRule(err) {
		t.Errorf("rename: %v", err)
	}
	if err := x.st.UpdateService("con-01", 0, func(s *tenant.Service) error { s.Name = "Con-01"; return nil }); err != nil {
		t.Errorf("case change: %v", err)
	}
	if err := x.st.UpdateService("con-01", 0, func(s *tenant.Service) error { s.Users = 0; return nil }); !isRule(err) {
		t.Errorf("0 users: %v", err)
	}
	if err := x.st.UpdateService("nope", 0, func(s *tenant.Service) error { return nil }); !errors.Is(err, usecase.ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}
	// Recording a validation does not make an opened copy stale: it
	// changes no field an edit changes.
	cur, _ := x.st.GetService("con-01")
	if errs := x.st.RecordValidations([]usecase.Recorded{{Name: "con-01", Report: report(x.now.Add(time.Minute), tenant.TriggerRevalidated, "Sx8")}}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	if err := x.st.UpdateService("con-01", cur.Version, func(s *tenant.Service) error { s.Users = 41; return nil }); err != nil {
		t.Errorf("edit after a validation: %v", err)
	}
}

func saveCredentials(t *testing.T, f Factory) {
	x := open(t, f)
	x.customer("Contoso")
	if err := x.st.CreateService(tenant.Service{Name: "PEND-1", Customer: "Contoso", License: tenant.LicensePro, Users: 5, State: tenant.StatePendingAuth,
		App: tenant.AppRegistration{TenantID: "contoso.onmicrosoft.com"}}); err != nil {
		t.Fatal(err)
	}
	opened, _ := x.st.GetService("pend-1")
	secret := tenant.NewSecret("Ab28Q~NewSecretValue.1234567890abcdefgh")
	r := report(x.now, tenant.TriggerCredentials, secret.Hint())
	app := tenant.AppRegistration{TenantID: "contoso.onmicrosoft.com", ClientID: r.ClientID, Secret: secret, AdminUser: "admin@contoso.com"}
	if err := x.st.SaveCredentials("pend-1", opened.Version, tenant.AppRegistration{ClientID: r.ClientID}, r); !isRule(err) {
		t.Errorf("credentials without a secret: %v", err)
	}
	if err := x.st.SaveCredentials("pend-1", opened.Version, app, r); err != nil {
		t.Fatal(err)
	}
	got, _ := x.st.GetService("PEND-1")
	if got.State != tenant.StateActive || got.App.Secret.Reveal() != secret.Reveal() || got.App.ClientID != r.ClientID ||
		got.App.TenantID != r.TenantID || got.LastValidation == nil || got.Version != opened.Version+1 {
		t.Errorf("after credentials: %+v", got)
	}
	if err := x.st.SaveCredentials("pend-1", opened.Version, app, r); !errors.Is(err, usecase.ErrStale) {
		t.Errorf("credentials on a stale copy: %v", err)
	}
	// Replacing the secret keeps the rest.
	newer := tenant.NewSecret("Zz98Q~TheNextSecret.abcdefghij0123456789")
	r2 := report(x.now.Add(time.Hour), tenant.TriggerSecret, newer.Hint())
	app.Secret = newer
	if err := x.st.SaveCredentials("pend-1", got.Version, app, r2); err != nil {
		t.Fatal(err)
	}
	got, _ = x.st.GetService("pend-1")
	if got.App.Secret.Reveal() != newer.Reveal() || got.LastValidation.Trigger != tenant.TriggerSecret {
		t.Errorf("after replacement: %+v", got)
	}
	if h, _ := x.st.History("pend-1"); len(h) != 2 {
		t.Errorf("history %d, want 2", len(h))
	}
	// The audit trail says which secret was added, then which replaced
	// which, by their masked forms only.
	var said []string
	if a, err := x.st.Audit(usecase.AuditFilter{Service: "pend-1"}); err == nil {
		for _, e := range a {
			if e.Action == usecase.ActionCredentials {
				said = append(said, e.Detail)
			}
		}
	}
	if len(said) != 2 || !strings.Contains(said[0], "secret Ab2**** replaced by Zz9****") ||
		!strings.Contains(said[1], "secret Ab2**** added") || strings.Contains(strings.Join(said, " "), "Q~") {
		t.Errorf("credentials in the audit trail, newest first: %q", said)
	}
}

func historyOrder(t *testing.T, f Factory) {
	x := open(t, f)
	x.customer("Contoso")
	x.service("Contoso", "CON-01")
	t1, t2, t3 := x.now.Add(time.Hour), x.now.Add(2*time.Hour), x.now.Add(3*time.Hour)
	attempt := report(t3, tenant.TriggerAttempt, "Bad")
	attempt.Checks = nil
	attempt.Status = ""
	attempt.Add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusFail, Detail: "Entra ID rejected the client secret (AADSTS7000215)."})
	errs := x.st.RecordValidations([]usecase.Recorded{
		{Name: "con-01", Report: report(t2, tenant.TriggerRevalidated, "Sx8")},
		{Name: "con-01", Report: report(t1, tenant.TriggerValidateAll, "Sx8")}, // older, arrives later
		{Name: "con-01", Report: attempt},
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	h, err := x.st.History("con-01")
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range h {
		order = append(order, string(r.Trigger))
	}
	want := []string{string(tenant.TriggerAttempt), string(tenant.TriggerRevalidated), string(tenant.TriggerValidateAll), string(tenant.TriggerCreated)}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("history %v, want newest first %v", order, want)
	}
	got, _ := x.st.GetService("con-01")
	if got.LastValidation == nil || !got.LastValidation.At.Equal(t2) || got.State != tenant.StateActive {
		t.Errorf("last validation is %+v; want the newest that is not an attempt (%v)", got.LastValidation, t2)
	}
	sums, _ := x.st.ListSummaries()
	if sums[0].LastAt == nil || !sums[0].LastAt.Equal(t2) || sums[0].LastStatus != tenant.StatusPass {
		t.Errorf("summary last = %v %s", sums[0].LastAt, sums[0].LastStatus)
	}
	// Reports of the same time (two engineers at once): the later
	// recorded first.
	for _, trace := range []string{"same-time-1", "same-time-2"} {
		r := attempt
		r.TraceID = trace
		if errs := x.st.RecordValidations([]usecase.Recorded{{Name: "con-01", Report: r}}); errs[0] != nil {
			t.Fatal(errs[0])
		}
	}
	if h, err := x.st.History("con-01"); err != nil || len(h) != 6 || h[0].TraceID != "same-time-2" || h[1].TraceID != "same-time-1" || h[2].TraceID != "" {
		t.Errorf("reports of one time: %d reports, %v", len(h), err)
		for _, r := range h {
			t.Logf("  %v %s %q", r.At, r.Trigger, r.TraceID)
		}
	}
}

func batchPerEntry(t *testing.T, f Factory) {
	x := open(t, f)
	x.customer("Contoso")
	for _, n := range []string{"S-1", "S-2", "S-3"} {
		x.service("Contoso", n)
	}
	if err := x.st.DeleteService("S-2", 0); err != nil {
		t.Fatal(err)
	}
	huge := report(x.now.Add(time.Hour), tenant.TriggerValidateAll, "Sx8")
	huge.TenantName = strings.Repeat("x", 2<<20) // a store refuses it; the batch stays
	batch := []usecase.Recorded{
		{Name: "s-1", Report: report(x.now.Add(time.Hour), tenant.TriggerValidateAll, "Sx8")},
		{Name: "s-2", Report: report(x.now.Add(time.Hour), tenant.TriggerValidateAll, "Sx8")},
		{Name: "s-3", Report: huge},
	}
	errs := x.st.RecordValidations(batch)
	if len(errs) != 3 || errs[0] != nil || !errors.Is(errs[1], usecase.ErrNotFound) || !strings.Contains(errs[1].Error(), "s-2") || errs[2] == nil {
		t.Fatalf("per-entry results %v", errs)
	}
	if h, _ := x.st.History("s-1"); len(h) != 2 {
		t.Errorf("s-1 recorded %d reports, want 2", len(h))
	}
	if h, _ := x.st.History("s-3"); len(h) != 1 {
		t.Errorf("s-3 kept %d reports, want its first only", len(h))
	}
	if errs := x.st.RecordValidations(nil); len(errs) != 0 {
		t.Errorf("empty batch: %v", errs)
	}
}

func secretAbsent(t *testing.T, f Factory) {
	x := open(t, f)
	x.customer("Contoso")
	var secrets []tenant.Secret
	for i := range 5 {
		s := x.service("Contoso", fmt.Sprintf("SEC-%d", i))
		secrets = append(secrets, s.App.Secret)
	}
	opened, _ := x.st.GetService("sec-0")
	repl := tenant.NewSecret("Rp18Q~Replacement/Secret+With=Specials:@")
	app := opened.App
	app.Secret = repl
	if err := x.st.SaveCredentials("sec-0", opened.Version, app, report(x.now.Add(time.Hour), tenant.TriggerSecret, repl.Hint())); err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, repl)
	if x.db.Exclusive() {
		_ = x.st.Close()
		x.st = nil
	}
	raw := x.db.Raw(t)
	if len(raw) == 0 {
		t.Fatal("the backend gave no bytes to search")
	}
	for _, s := range secrets {
		v := s.Reveal()
		for enc, form := range map[string]string{
			"plain": v, "base64": base64.StdEncoding.EncodeToString([]byte(v)), "base64url": base64.RawURLEncoding.EncodeToString([]byte(v)),
			"hex": hex.EncodeToString([]byte(v)), "prefix": v[:12],
		} {
			if bytes.Contains(raw, []byte(form)) {
				t.Errorf("a secret is in the database bytes (%s)", enc)
			}
		}
	}
}

func wrongKey(t *testing.T, f Factory) {
	x := open(t, f)
	x.customer("Contoso")
	x.service("Contoso", "CON-01")
	_ = x.st.Close()
	x.st = nil
	other := seal.NewKeyring(NewKey(t))
	st, err := x.db.Open(other, Engineer)
	if err == nil {
		_ = st.Close()
		t.Fatal("a key that sealed none of the secrets was accepted")
	}
	if !errors.Is(err, seal.ErrWrongKey) || !strings.Contains(err.Error(), x.keys.Current().ID()) {
		t.Errorf("wrong key: %v (must be seal.ErrWrongKey naming the key in use)", err)
	}
	// The right key still opens everything: nothing was written.
	x.reopen(x.keys)
	if _, err := x.st.GetService("con-01"); err != nil {
		t.Errorf("after a refused key: %v", err)
	}
	// A new, empty database takes the first key it is given.
	y := open(t, f)
	y.customer("Fabrikam")
	y.reopen(seal.NewKeyring(NewKey(t)))
}

func olderKeys(t *testing.T, f Factory) {
	x := open(t, f)
	x.customer("Contoso")
	x.service("Contoso", "OLD-1")
	newKey := NewKey(t)
	both := seal.NewKeyring(newKey, x.keys.Current())
	x.reopen(both)
	x.keys = both
	x.service("Contoso", "NEW-1")
	for _, n := range []string{"OLD-1", "NEW-1"} {
		s, err := x.st.GetService(n)
		if err != nil || s.App.Secret.Reveal() != secretOf(n).Reveal() {
			t.Errorf("%s with both keys: %v", n, err)
		}
	}
	l, err := x.st.ListServices()
	if err != nil || len(l.Services) != 2 || len(l.Unreadable) != 0 {
		t.Errorf("listing with both keys: %+v %v", l, err)
	}
	// With the new key alone, the database is still opened (the key is in
	// use), and the secret sealed with the old key is named, not fatal.
	x.reopen(seal.NewKeyring(newKey))
	l, err = x.st.ListServices()
	if err != nil || len(l.Services) != 1 || len(l.Unreadable) != 1 || l.Unreadable[0].Name != "OLD-1" || !errors.Is(l.Unreadable[0].Err, usecase.ErrCannotUnseal) {
		t.Errorf("listing with one key: %+v %v", l, err)
	}
	if sums, err := x.st.ListSummaries(); err != nil || len(sums) != 2 {
		t.Errorf("summaries never need the key: %d %v", len(sums), err)
	}
	if cs, err := x.st.ListCustomers(); err != nil || len(cs) != 1 {
		t.Errorf("customers never need the key: %v", err)
	}
}

func newerSchema(t *testing.T, f Factory) {
	x := open(t, f)
	x.customer("Contoso")
	_ = x.st.Close()
	x.st = nil
	x.db.SetSchema(t, 99)
	st, err := x.db.Open(x.keys, Engineer)
	if err == nil {
		_ = st.Close()
		t.Fatal("a newer schema was opened")
	}
	if !errors.Is(err, usecase.ErrNewerSchema) || !strings.Contains(err.Error(), "newer onboard") {
		t.Errorf("newer schema: %v", err)
	}
}

func auditTrail(t *testing.T, f Factory) {
	x := open(t, f)
	start := time.Now().Add(-time.Second)
	x.customer("Contoso")
	svc := x.service("Contoso", "AUD-1")
	if err := x.st.UpdateService("aud-1", 0, func(s *tenant.Service) error { s.Users = 30; return nil }); err != nil {
		t.Fatal(err)
	}
	x.st.RecordValidations([]usecase.Recorded{{Name: "aud-1", Report: report(x.now.Add(time.Hour), tenant.TriggerRevalidated, "Sx8")}})
	x.service("Contoso", "AUD-2")
	all, err := x.st.Audit(usecase.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range all {
		actions = append(actions, e.Action)
		if e.Engineer != Engineer.Engineer || e.Host != Engineer.Host || e.At.Before(start) {
			t.Errorf("entry %+v: who/when", e)
		}
		if strings.Contains(e.Detail, svc.App.Secret.Reveal()) {
			t.Errorf("a secret in the audit trail: %+v", e)
		}
	}
	want := []string{usecase.ActionServiceAdded, usecase.ActionValidated, usecase.ActionServiceEdited, usecase.ActionServiceAdded, usecase.ActionCustomerAdded}
	if fmt.Sprint(actions) != fmt.Sprint(want) {
		t.Errorf("actions %v, want newest first %v", actions, want)
	}
	one, _ := x.st.Audit(usecase.AuditFilter{Service: "AUD-1"})
	if len(one) != 3 || !strings.Contains(one[1].Detail, "users 25 → 30") {
		t.Errorf("audit of AUD-1: %+v", one)
	}
	if later, _ := x.st.Audit(usecase.AuditFilter{Since: time.Now().Add(time.Hour)}); len(later) != 0 {
		t.Errorf("since the future: %d", len(later))
	}
}

// errInterrupted stops a rotation between two batches, as a killed
// process would.
var errInterrupted = errors.New("interrupted between batches")

func rekeyInterrupted(t *testing.T, f Factory) {
	x := open(t, f)
	if _, ok := x.st.(usecase.Rekeyer); !ok {
		t.Skip("the backend has no key rotation")
	}
	x.customer("Contoso")
	var names []string
	for i := range 23 {
		names = append(names, x.service("Contoso", fmt.Sprintf("ROT-%02d", i)).Name)
	}
	if err := x.st.CreateService(tenant.Service{Name: "ROT-PEND", Customer: "Contoso", License: tenant.LicensePro, Users: 1, State: tenant.StatePendingAuth}); err != nil {
		t.Fatal(err)
	}
	oldKey, newKey := x.keys.Current(), NewKey(t)
	rotating := seal.NewKeyring(newKey, oldKey)
	x.reopen(rotating)
	batches := 0
	res, err := x.st.(usecase.Rekeyer).Rekey(context.Background(), usecase.RekeyOptions{BatchSize: 5, AfterBatch: func(int) error {
		if batches++; batches == 2 {
			return errInterrupted
		}
		return nil
	}})
	if !errors.Is(err, errInterrupted) || res.Resealed != 10 {
		t.Fatalf("interrupted rotation: %+v %v (want 10 re-sealed, then the interruption)", res, err)
	}
	// Midway, both keys are in use: each alone is accepted at open, and
	// the secrets are readable with both.
	for _, k := range []*seal.Key{oldKey, newKey} {
		x.reopen(seal.NewKeyring(k))
	}
	x.reopen(rotating)
	if l, err := x.st.ListServices(); err != nil || len(l.Unreadable) != 0 || len(l.Services) != 24 {
		t.Fatalf("midway, with both keys: %d read, %v unreadable, %v", len(l.Services), l.Unreadable, err)
	}
	// The re-run finishes the job and retires the old key.
	res, err = x.st.(usecase.Rekeyer).Rekey(context.Background(), usecase.RekeyOptions{BatchSize: 5})
	if err != nil || res.Resealed != 13 || !res.Complete() || fmt.Sprint(res.Retired) != fmt.Sprint([]string{oldKey.ID()}) ||
		fmt.Sprint(res.KeyIDs) != fmt.Sprint([]string{newKey.ID()}) {
		t.Fatalf("re-run: %+v %v (want the 13 left re-sealed, the old key retired)", res, err)
	}
	x.reopen(seal.NewKeyring(newKey))
	for _, n := range names {
		s, err := x.st.GetService(n)
		if err != nil || s.App.Secret.Reveal() != secretOf(n).Reveal() {
			t.Errorf("%s with the new key alone: %v", n, err)
		}
	}
	if l, err := x.st.ListServices(); err != nil || len(l.Unreadable) != 0 || len(l.Services) != 24 {
		t.Errorf("with the new key alone: %d read, %v unreadable, %v", len(l.Services), l.Unreadable, err)
	}
	// A re-run with nothing left to do changes nothing.
	if res, err := x.st.(usecase.Rekeyer).Rekey(context.Background(), usecase.RekeyOptions{}); err != nil || res.Resealed != 0 || !res.Complete() {
		t.Errorf("third run: %+v %v", res, err)
	}
	_ = x.st.Close()
	x.st = nil
	st, err := x.db.Open(seal.NewKeyring(oldKey), Engineer)
	if err == nil {
		_ = st.Close()
		t.Fatal("the old key alone is accepted after the rotation")
	}
	if !errors.Is(err, seal.ErrWrongKey) {
		t.Errorf("old key after the rotation: %v", err)
	}
}

// Sample is an inventory of n services spread over a few customers, each
// with a secret and reports validation reports (newest first, the newest
// its last validation; every fifth service pending, without either).
func Sample(n, reports int, now time.Time) (customers []string, services []usecase.Imported) {
	for i := range max(1, n/50) {
		customers = append(customers, fmt.Sprintf("Customer %03d", i))
	}
	for i := range n {
		name := fmt.Sprintf("svc-%05d", i)
		svc := tenant.Service{Name: name, Customer: customers[i%len(customers)], License: tenant.LicensePro, Users: 1 + i%500,
			State: tenant.StatePendingAuth, CreatedAt: now.Add(-time.Hour)}
		im := usecase.Imported{Service: svc}
		if i%5 != 4 {
			secret := secretOf(name)
			for j := range reports {
				trigger := tenant.TriggerValidateAll
				if j == reports-1 {
					trigger = tenant.TriggerCreated
				}
				im.History = append(im.History, report(now.Add(-time.Duration(j)*time.Hour), trigger, secret.Hint()))
			}
			im.Service.App = tenant.AppRegistration{TenantID: "contoso.onmicrosoft.com", ClientID: "11111111-2222-4333-8444-555555555555", Secret: secret}
			if len(im.History) > 0 {
				last := im.History[0]
				im.Service.Apply(&last)
			}
		}
		services = append(services, im)
	}
	return customers, services
}

// SecretOf is the secret Sample gives a service.
func SecretOf(name string) tenant.Secret { return secretOf(name) }

// Fill writes Sample's inventory into st through its Importer.
func Fill(t testing.TB, st usecase.Store, n, reports int) []usecase.Imported {
	t.Helper()
	customers, services := Sample(n, reports, time.Now().UTC().Truncate(time.Second))
	for _, c := range customers {
		if _, err := st.CreateCustomer(c); err != nil {
			t.Fatal(err)
		}
	}
	imp, ok := st.(usecase.Importer)
	if !ok {
		t.Fatal("the backend has no Importer")
	}
	for start := 0; start < len(services); start += 500 {
		batch := services[start:min(start+500, len(services))]
		for i, err := range imp.ImportServices(context.Background(), batch) {
			if err != nil {
				t.Fatalf("import %s: %v", batch[i].Service.Name, err)
			}
		}
	}
	return services
}

func checkAll(t *testing.T, f Factory) {
	x := open(t, f)
	c, ok := x.st.(usecase.Checker)
	if !ok {
		t.Skip("the backend has no check")
	}
	Fill(t, x.st, 40, 3)
	x.service("Customer 000", "CHK-1")
	res, err := c.Check(context.Background())
	if err != nil || !res.OK() || res.Customers != 1 || res.Services != 41 || res.Reports != 32*3+1 {
		t.Fatalf("check of a sound database: %+v %v", res, err)
	}
	// A secret the keys given cannot open is named, and the rest is read.
	oldKey := x.keys.Current()
	x.reopen(seal.NewKeyring(NewKey(t), oldKey))
	x.service("Customer 000", "CHK-NEW")
	x.reopen(seal.NewKeyring(oldKey))
	res, err = x.st.(usecase.Checker).Check(context.Background())
	if err != nil || len(res.Problems) != 1 || res.Problems[0].Record != "service CHK-NEW" || !errors.Is(res.Problems[0].Err, seal.ErrUnseal) || res.Services != 42 {
		t.Errorf("check with a key missing: %+v %v", res, err)
	}
}

func backupCopy(t *testing.T, f Factory) {
	x := open(t, f)
	b, ok := x.st.(usecase.Backuper)
	if !ok {
		t.Skip("the backend has no backup")
	}
	Fill(t, x.st, 30, 2)
	if err := x.st.UpdateService("svc-00001", 0, func(s *tenant.Service) error { s.Users = 7; return nil }); err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/backup.db"
	res, err := b.Backup(context.Background(), path)
	if err != nil || res.Services != 30 || res.Customers != 1 || res.Reports != 24*2 || res.AuditEntries != 1+30+1 || res.Bytes == 0 {
		t.Fatalf("backup: %+v %v", res, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode: %v %v", fi.Mode(), err)
	}
	if _, err := b.Backup(context.Background(), path); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a backup over an existing file: %v", err)
	}
	want, err := x.st.ListServices()
	if err != nil {
		t.Fatal(err)
	}
	wantAudit, _ := x.st.Audit(usecase.AuditFilter{})
	copyStore, err := bolt.Open(path, bolt.Options{Keys: x.keys, Actor: Engineer})
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer copyStore.Close()
	got, err := copyStore.ListServices()
	if err != nil || len(got.Services) != len(want.Services) || len(got.Unreadable) != 0 {
		t.Fatalf("the backup's services: %d %v %v", len(got.Services), got.Unreadable, err)
	}
	for i, s := range got.Services {
		w := want.Services[i]
		if s.Name != w.Name || s.Customer != w.Customer || s.Users != w.Users || s.Version != w.Version || s.App.Secret.Reveal() != w.App.Secret.Reveal() ||
			(s.LastValidation == nil) != (w.LastValidation == nil) || (s.LastValidation != nil && !s.LastValidation.At.Equal(w.LastValidation.At)) {
			t.Errorf("backup of %s differs:\n got %+v\nwant %+v", w.Name, s, w)
		}
		hg, _ := copyStore.History(s.Name)
		hw, _ := x.st.History(s.Name)
		if len(hg) != len(hw) {
			t.Errorf("history of %s: %d reports in the backup, %d in the database", s.Name, len(hg), len(hw))
		}
	}
	gotAudit, _ := copyStore.Audit(usecase.AuditFilter{})
	if len(gotAudit) != len(wantAudit) || gotAudit[0].Action != wantAudit[0].Action {
		t.Errorf("the backup's audit trail: %d entries, want %d", len(gotAudit), len(wantAudit))
	}
	if c, ok := usecase.Store(copyStore).(usecase.Checker); ok {
		if res, err := c.Check(context.Background()); err != nil || !res.OK() {
			t.Errorf("check of the backup: %+v %v", res.Problems, err)
		}
	}
}

func copyFromLaptop(t *testing.T, f Factory) {
	laptopKeys := seal.NewKeyring(NewKey(t))
	laptop, err := bolt.Open(t.TempDir()+"/laptop.db", bolt.Options{Keys: laptopKeys, Actor: usecase.Actor{Engineer: "bob", Host: "laptop"}})
	if err != nil {
		t.Fatal(err)
	}
	defer laptop.Close()
	src := Fill(t, laptop, 60, 3)
	x := open(t, f)
	x.customer("Customer 000") // the target has one already
	x.service("Customer 000", "TEAM-1")
	res, err := usecase.CopyInventory(context.Background(), laptop, x.st, usecase.CopyOptions{BatchSize: 25})
	if err != nil || len(res.Copied) != 60 || len(res.Skipped) != 0 || len(res.Refused) != 0 || len(res.CustomersCopied) != 0 {
		t.Fatalf("copy: %d copied, %d skipped, %v refused, %v", len(res.Copied), len(res.Skipped), res.Refused, err)
	}
	l, err := x.st.ListServices()
	if err != nil || len(l.Services) != 61 || len(l.Unreadable) != 0 {
		t.Fatalf("the target after the copy: %d %v %v", len(l.Services), l.Unreadable, err)
	}
	for _, im := range src {
		got, err := x.st.GetService(im.Service.Name)
		if err != nil || got.App.Secret.Reveal() != im.Service.App.Secret.Reveal() || got.Users != im.Service.Users || got.State != im.Service.State {
			t.Fatalf("%s after the copy: %+v %v", im.Service.Name, got, err)
		}
		h, _ := x.st.History(im.Service.Name)
		if len(h) != len(im.History) || (len(h) > 0 && (got.LastValidation == nil || !got.LastValidation.At.Equal(im.History[0].At))) {
			t.Errorf("%s: %d reports, want %d", im.Service.Name, len(h), len(im.History))
		}
	}
	// A re-run copies nothing; a service changed on one side is refused.
	if err := laptop.UpdateService("svc-00003", 0, func(s *tenant.Service) error { s.Users = 499; return nil }); err != nil {
		t.Fatal(err)
	}
	res, err = usecase.CopyInventory(context.Background(), laptop, x.st, usecase.CopyOptions{})
	if err != nil || len(res.Copied) != 0 || len(res.Skipped) != 59 || len(res.Refused) != 1 ||
		!errors.Is(res.Refused[0].Err, usecase.ErrDifferent) || !strings.Contains(res.Refused[0].Err.Error(), "users 499 here, 4 there") {
		t.Fatalf("re-run: %d copied, %d skipped, %v refused, %v", len(res.Copied), len(res.Skipped), res.Refused, err)
	}
	// Its audit entry describes it as "service added" does, secret hint
	// included (never the secret).
	secret := SecretOf("svc-00000")
	if a, _ := x.st.Audit(usecase.AuditFilter{Service: "svc-00000"}); len(a) != 1 || a[0].Action != usecase.ActionServiceCopied ||
		!strings.Contains(a[0].Detail, "secret "+secret.Masked()) || strings.Contains(a[0].Detail, secret.Reveal()) {
		t.Errorf("audit of a copied service: %+v", a)
	}
}

// Sample1Report is a passing report at a time, as Sample's are.
func Sample1Report(at time.Time) tenant.ValidationReport {
	return report(at, tenant.TriggerValidateAll, "Sx8")
}
