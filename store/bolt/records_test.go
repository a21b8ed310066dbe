package bolt_test

import (
	"bytes"
	"encoding/base64"
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

	bbolt "go.etcd.io/bbolt"

	"onboard/store/bolt"
	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// What the old store's tests proved of records that the conformance suite
// does not: every field kept, every method's not-found, the history's
// order over many reports, a batch equal to its entries one by one, what
// a refused change leaves, a damaged or newer record named and skipped.

// clock is a fixed Options.Now that moves on a minute per call.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Minute)
	return c.t
}

// openClocked opens a new database whose writes are stamped by a clock
// starting at day0, closed when the test ends.
func openClocked(t *testing.T) (*bolt.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "onboard.db")
	st, err := bolt.Open(path, bolt.Options{Keys: ringOf(t, 1), Now: (&clock{t: day0}).now,
		Actor: usecase.Actor{Engineer: "alice", Host: "desk-1"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st, path
}

// rawUpdate changes the closed database with bbolt itself.
func rawUpdate(t *testing.T, path string, fn func(tx *bbolt.Tx) error) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// fullService has every field a service and its report can hold set, so
// a round trip proves each one is kept.
func fullService() tenant.Service {
	manual := day0.AddDate(0, 7, 0)
	read := day0.Add(-48 * time.Hour)
	days := 90
	r := tenant.ValidationReport{At: day0.Add(-time.Hour), Elapsed: 812 * time.Millisecond, Cloud: "usgov",
		Trigger: tenant.TriggerCreated, By: "bob",
		ClientID: "3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f", SecretHint: "Zq8",
		TenantID: "0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d", TenantName: "Contoso Ltd",
		InitialDomain: "contoso.onmicrosoft.com", DefaultDomain: "contoso.com", AppName: "Hosted Direct Routing",
		DaysUntilExpire: &days, ExpiryReadAt: &read,
		Roles: []string{"Teams Administrator"}, Permissions: []string{"Organization.Read.All", "User.Read.All"},
		Admin:           &tenant.AdminUser{ID: "a1", UserPrincipalName: "admin@contoso.com", DisplayName: "Ada Admin", AccountEnabled: true},
		VerifiedDomains: []string{"contoso.onmicrosoft.com", "contoso.com", "sbc.contoso.com"}, SBCDomain: "sbc.contoso.com",
		TeamsPhone: &tenant.LicenceCount{Enabled: 300, Consumed: 250, SKUs: []string{"MCOEV"}},
		AADSTS:     "AADSTS7000222", TraceID: "t-1", CorrelationID: "c-1"}
	r.Add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusPass, Detail: "Entra ID issued an app-only token: the secret works."})
	r.Add(tenant.Check{Name: tenant.CheckSecret, Status: tenant.StatusWarn, Detail: "Secret expiry unknown: Graph lists the secret without an end date.",
		Fix: "Type the expiry shown in the Entra admin center."})
	return tenant.Service{Name: "Con-DR", FullName: "Contoso Direct Routing", Customer: "Contoso", License: tenant.LicensePro, Users: 250,
		M365Domain: "contoso.com", State: tenant.StateActive,
		App: tenant.AppRegistration{TenantID: r.TenantID, ClientID: r.ClientID, Secret: secretFor("Con-DR"), AdminUser: "admin@contoso.com",
			ManualExpiry: &manual},
		CreatedAt: day0.Add(-2 * time.Hour), LastValidation: &r}
}

// Every field of a service and of its report is kept, the same through
// GetService, ListServices and History; the store stamps the version, the
// time and the engineer.
func TestEveryFieldKept(t *testing.T) {
	st, _ := openClocked(t)
	mustCustomer(t, st, "Contoso")
	in := fullService()
	in.Customer = "CONTOSO" // the stored spelling wins
	mustService(t, st, in)
	got, err := st.GetService("con-dr")
	if err != nil {
		t.Fatal(err)
	}
	want := fullService()
	want.Version, want.UpdatedBy = 1, "alice"
	want.UpdatedAt = got.UpdatedAt
	if got.UpdatedAt.Before(day0) || !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got  %+v\n want %+v", got, want)
	}
	if !reflect.DeepEqual(*got.LastValidation, *want.LastValidation) {
		t.Errorf("report:\n got  %+v\n want %+v", *got.LastValidation, *want.LastValidation)
	}
	l, err := st.ListServices()
	if err != nil || len(l.Services) != 1 || !reflect.DeepEqual(l.Services[0], got) {
		t.Errorf("listed:\n got  %+v\n want %+v (%v)", l.Services, got, err)
	}
	h, err := st.History("CON-DR")
	if err != nil || len(h) != 1 || !reflect.DeepEqual(h[0], *want.LastValidation) {
		t.Errorf("history: %+v %v", h, err)
	}
	sums, err := st.ListSummaries()
	if err != nil || len(sums) != 1 || !reflect.DeepEqual(sums[0], tenant.SummaryOf(got)) {
		t.Errorf("summary:\n got  %+v\n want %+v (%v)", sums, tenant.SummaryOf(got), err)
	}
}

// Every method given a name nobody has says so, naming it.
func TestNotFoundNamesTheName(t *testing.T) {
	st, _ := openClocked(t)
	mustCustomer(t, st, "Contoso")
	mustService(t, st, activeSvc(t, "con-1", "Contoso", day0))
	app := tenant.AppRegistration{TenantID: "t", ClientID: "c", Secret: tenant.NewSecret("x-y-z-secret")}
	for what, err := range map[string]error{
		"GetService":        func() error { _, err := st.GetService("nope"); return err }(),
		"UpdateService":     st.UpdateService("nope", 0, func(*tenant.Service) error { return nil }),
		"DeleteService":     st.DeleteService("nope", 0),
		"SaveCredentials":   st.SaveCredentials("nope", 0, app, passedReport(day0, tenant.TriggerSecret, "x-y")),
		"RecordValidations": st.RecordValidations([]usecase.Recorded{{Name: "nope", Report: passedReport(day0, tenant.TriggerRevalidated, "Zq8")}})[0],
		"History":           func() error { _, err := st.History("nope"); return err }(),
		"GetCustomer":       func() error { _, err := st.GetCustomer("nope"); return err }(),
		"RenameCustomer":    st.RenameCustomer("nope", "other"),
		"DeleteCustomer":    st.DeleteCustomer("nope"),
	} {
		if !errors.Is(err, usecase.ErrNotFound) || !strings.Contains(err.Error(), `"nope"`) {
			t.Errorf("%s: %v, want ErrNotFound naming \"nope\"", what, err)
		}
	}
	if sums, _ := st.ListSummaries(); len(sums) != 1 {
		t.Errorf("%d services after the failed calls", len(sums))
	}
}

// Deleting a service removes its whole history (and only its); the same
// name created again starts with none.
func TestDeleteServiceRemovesHistory(t *testing.T) {
	st, path := openClocked(t)
	mustCustomer(t, st, "Contoso")
	mustService(t, st, activeSvc(t, "con-1", "Contoso", day0))
	mustService(t, st, activeSvc(t, "con-10", "Contoso", day0)) // its key starts with con-1's
	for i := range 3 {
		r := passedReport(day0.Add(time.Duration(i+1)*time.Hour), tenant.TriggerRevalidated, "Zq8")
		for _, err := range st.RecordValidations([]usecase.Recorded{{Name: "con-1", Report: r}, {Name: "con-10", Report: r}}) {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := st.DeleteService("CON-1", 0); err != nil {
		t.Fatal(err)
	}
	if h, err := st.History("con-10"); err != nil || len(h) != 4 {
		t.Fatalf("the other service's history: %d reports, %v", len(h), err)
	}
	mustService(t, st, pendingSvc("Con-1", "Contoso"))
	if h, err := st.History("con-1"); err != nil || len(h) != 0 {
		t.Fatalf("the new Con-1 inherited %d reports (%v)", len(h), err)
	}
	if err := st.DeleteService("con-1", 0); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteService("con-10", 0); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteCustomer("contoso"); err != nil {
		t.Errorf("a customer whose services were deleted: %v", err)
	}
	st.Close()
	// Nothing of the services is left in the file's buckets.
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		for _, b := range []string{"services", "owners", "history"} {
			if n := tx.Bucket([]byte(b)).Stats().KeyN; n != 0 {
				t.Errorf("%d keys left in %s", n, b)
			}
		}
		return nil
	})
}

// More than 255 reports (a little-endian or text sequence would sort them
// wrong): the history is every report, newest first, whether recorded one
// by one or in one batch; the last validation is the newest.
func TestHistoryOfManyReports(t *testing.T) {
	st, _ := openClocked(t)
	mustCustomer(t, st, "Contoso")
	mustService(t, st, pendingSvc("one-by-one", "Contoso"))
	mustService(t, st, pendingSvc("batched", "Contoso"))
	var want []tenant.ValidationReport
	var batch []usecase.Recorded
	for i := range 260 {
		r := passedReport(day0.Add(time.Duration(i)*time.Minute), tenant.TriggerRevalidated, "Zq8")
		r.TraceID = fmt.Sprint("trace-", i)
		if errs := st.RecordValidations([]usecase.Recorded{{Name: "ONE-BY-ONE", Report: r}}); errs[0] != nil {
			t.Fatal(errs[0])
		}
		batch = append(batch, usecase.Recorded{Name: "Batched", Report: r})
		want = append(want, r)
	}
	for _, err := range st.RecordValidations(batch) {
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Reverse(want)
	for _, name := range []string{"one-by-one", "batched"} {
		got, err := st.History(name)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the history is not the %d reports newest first (%d; first %s)", name, len(want), len(got), got[0].TraceID)
		}
		svc, _ := st.GetService(name)
		if !reflect.DeepEqual(*svc.LastValidation, want[0]) {
			t.Errorf("%s: the last validation is %s, not the newest", name, svc.LastValidation.TraceID)
		}
	}
}

// A batch has, entry by entry, the effect of the same reports recorded one
// by one: the same service and the same history. A failed report keeps a
// service pending and its typed tenant; a passing one makes it active with
// the tenant's GUID; an empty M365 domain becomes the initial domain; the
// secret is kept.
func TestBatchLikeOneByOne(t *testing.T) {
	st, _ := openClocked(t)
	mustCustomer(t, st, "Contoso")
	for _, name := range []string{"one-by-one", "batched"} {
		svc := pendingSvc(name, "Contoso")
		svc.App = tenant.AppRegistration{TenantID: "contoso.onmicrosoft.com", ClientID: "3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f",
			Secret: tenant.NewSecret("abcdefgh-secret")}
		mustService(t, st, svc)
	}
	failed := passedReport(day0, tenant.TriggerRevalidated, "abc")
	failed.Checks, failed.Status, failed.TenantID = nil, "", ""
	failed.Add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusFail, Detail: "Entra ID rejected the client secret (AADSTS7000215)."})
	reports := []tenant.ValidationReport{failed, passedReport(day0.Add(time.Hour), tenant.TriggerRevalidated, "abc")}

	var batch []usecase.Recorded
	for i, r := range reports {
		if errs := st.RecordValidations([]usecase.Recorded{{Name: "one-by-one", Report: r}}); errs[0] != nil {
			t.Fatal(errs[0])
		}
		if i == 0 {
			got, _ := st.GetService("one-by-one")
			if got.State != tenant.StatePendingAuth || got.App.TenantID != "contoso.onmicrosoft.com" || got.M365Domain != "contoso.onmicrosoft.com" {
				t.Errorf("after a failed report: %s, tenant %s, M365 domain %q", got.State, got.App.TenantID, got.M365Domain)
			}
		}
		batch = append(batch, usecase.Recorded{Name: "BATCHED", Report: r})
	}
	for _, err := range st.RecordValidations(batch) {
		if err != nil {
			t.Fatal(err)
		}
	}
	want, _ := st.GetService("one-by-one")
	got, err := st.GetService("batched")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != tenant.StateActive || got.App.TenantID != reports[1].TenantID || got.App.Secret.Reveal() != "abcdefgh-secret" {
		t.Fatalf("the batch did not apply its reports: %+v", got)
	}
	want.Name, want.CreatedAt, want.UpdatedAt = got.Name, got.CreatedAt, got.UpdatedAt
	if !reflect.DeepEqual(got, want) {
		t.Errorf("batched differs from one by one:\n got  %+v\n want %+v", got, want)
	}
	wantH, _ := st.History("one-by-one")
	gotH, _ := st.History("batched")
	if len(gotH) != 2 || !reflect.DeepEqual(gotH, wantH) {
		t.Errorf("batched history (%d reports) differs from one by one (%d)", len(gotH), len(wantH))
	}
	// A passing report that read the expiry replaces the one typed.
	manual := day0.AddDate(1, 0, 0)
	if err := st.UpdateService("batched", 0, func(s *tenant.Service) error { s.App.ManualExpiry = &manual; return nil }); err != nil {
		t.Fatal(err)
	}
	if errs := st.RecordValidations([]usecase.Recorded{{Name: "batched", Report: passedReport(day0.Add(2*time.Hour), tenant.TriggerRevalidated, "abc")}}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	if got, _ := st.GetService("batched"); got.App.ManualExpiry != nil {
		t.Error("a report with the expiry read did not clear the typed one")
	}
}

// A batch holding several reports of one service (in several spellings)
// between reports of others, on top of an existing history: each history
// stays newest first.
func TestBatchInterleaved(t *testing.T) {
	st, _ := openClocked(t)
	mustCustomer(t, st, "Contoso")
	mustService(t, st, pendingSvc("con-1", "Contoso"))
	mustService(t, st, pendingSvc("con-2", "Contoso"))
	report := func(i int) tenant.ValidationReport {
		r := passedReport(day0.Add(time.Duration(i)*time.Minute), tenant.TriggerValidateAll, "Zq8")
		r.TraceID = fmt.Sprint("trace-", i)
		return r
	}
	want := map[string][]string{}
	for i := range 3 {
		if errs := st.RecordValidations([]usecase.Recorded{{Name: "con-1", Report: report(i)}}); errs[0] != nil {
			t.Fatal(errs[0])
		}
		want["con-1"] = append(want["con-1"], report(i).TraceID)
	}
	var batch []usecase.Recorded
	for i := 3; i < 12; i++ {
		name := []string{"con-1", "con-2", "Con-1"}[i%3]
		batch = append(batch, usecase.Recorded{Name: name, Report: report(i)})
		want[strings.ToLower(name)] = append(want[strings.ToLower(name)], report(i).TraceID)
	}
	for _, err := range st.RecordValidations(batch) {
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, traces := range want {
		slices.Reverse(traces)
		h, err := st.History(name)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range h {
			got = append(got, r.TraceID)
		}
		if !slices.Equal(got, traces) {
			t.Errorf("history of %s = %v, want newest first %v", name, got, traces)
		}
	}
}

// Changes that are refused write nothing: an error of the edit function is
// returned as it is, a broken rule is a rule error, credentials without a
// secret are refused; the service and its history are as they were.
func TestRefusedChangesWriteNothing(t *testing.T) {
	st, _ := openClocked(t)
	mustCustomer(t, st, "Contoso")
	mustService(t, st, activeSvc(t, "con-1", "Contoso", day0))
	mustService(t, st, pendingSvc("pend-1", "Contoso"))
	before, _ := st.GetService("con-1")
	beforeH, _ := st.History("con-1")
	cancelled := errors.New("engineer cancelled")
	for what, fn := range map[string]func(*tenant.Service) error{
		"fn error":         func(s *tenant.Service) error { s.Users = 3; return cancelled },
		"users 501":        func(s *tenant.Service) error { s.Users = 501; return nil },
		"full name tab":    func(s *tenant.Service) error { s.FullName = "tab\there"; return nil },
		"rename":           func(s *tenant.Service) error { s.Name = "con-2"; return nil },
		"no such customer": func(s *tenant.Service) error { s.Customer = "Northwind"; s.Users = 3; return nil },
		"bad admin":        func(s *tenant.Service) error { s.App.AdminUser = "root"; return nil },
	} {
		err := st.UpdateService("con-1", before.Version, fn)
		switch {
		case what == "fn error" && err != cancelled:
			t.Errorf("%s: %v, want the function's error as it is", what, err)
		case what != "fn error" && !tenant.IsRuleError(err):
			t.Errorf("%s: %v, want a rule error", what, err)
		}
	}
	// The edit function cannot rewrite the history or the creation time.
	if err := st.UpdateService("con-1", 0, func(s *tenant.Service) error {
		s.LastValidation.Status, s.CreatedAt = tenant.StatusFail, time.Time{}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	after, _ := st.GetService("con-1")
	if !reflect.DeepEqual(after.LastValidation, before.LastValidation) || !after.CreatedAt.Equal(before.CreatedAt) {
		t.Error("UpdateService changed the last validation or the creation time")
	}
	after.Version, after.UpdatedAt = before.Version, before.UpdatedAt
	if !reflect.DeepEqual(after, before) {
		t.Errorf("refused edits changed the service:\n%+v\n%+v", after, before)
	}
	// Credentials without a secret: refused, nothing recorded.
	p, _ := st.GetService("pend-1")
	app := tenant.AppRegistration{TenantID: "contoso.onmicrosoft.com", ClientID: "3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f", AdminUser: "admin@contoso.com"}
	if err := st.SaveCredentials("pend-1", p.Version, app, passedReport(day0, tenant.TriggerCredentials, "")); !tenant.IsRuleError(err) {
		t.Errorf("credentials without a secret: %v", err)
	}
	if got, _ := st.GetService("pend-1"); !reflect.DeepEqual(got, p) {
		t.Errorf("refused credentials changed the service: %+v", got.App)
	}
	if h, _ := st.History("pend-1"); len(h) != 0 {
		t.Errorf("refused credentials recorded %d reports", len(h))
	}
	if h, _ := st.History("con-1"); !reflect.DeepEqual(h, beforeH) {
		t.Error("refused changes touched the history")
	}
}

// Many writers race to create one customer name in different cases: the
// check and the write share a transaction, so exactly one wins and the
// others are told the name is taken.
func TestCustomerUniqueUnderRace(t *testing.T) {
	st, _ := openClocked(t)
	const racers = 16
	errs := make([]error, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = st.CreateCustomer([]string{"contoso", "CONTOSO", " Contoso "}[i%3])
		}()
	}
	close(start)
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, usecase.ErrExists) || !tenant.IsRuleError(err):
			t.Errorf("a loser got %v, want ErrExists", err)
		}
	}
	if cs, _ := st.ListCustomers(); wins != 1 || len(cs) != 1 {
		t.Fatalf("%d winners, %d customers stored", wins, len(cs))
	}
}

// A damaged record and one written by a newer onboard are named — by
// GetService, in the listing's Unreadable, per entry of a batch — while
// every other service is read and recorded.
func TestUnreadableRecordsNamedOthersKept(t *testing.T) {
	st, path := openClocked(t)
	mustCustomer(t, st, "Contoso")
	for _, n := range []string{"con-1", "broken", "future", "con-3"} {
		mustService(t, st, activeSvc(t, n, "Contoso", day0))
	}
	st.Close()
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("services"))
		if err := b.Put([]byte("broken"), []byte(`{"v":2,"name":"broken","users":"many"`)); err != nil {
			return err
		}
		// A format byte this build does not know yet, then anything.
		return b.Put([]byte("future"), []byte("\x2f\x06future\xff\xff"))
	})
	st = mustOpen(t, path, ringOf(t, 1))
	_, err := st.GetService("broken")
	wantKind(t, err, usecase.ErrDamaged, `"broken"`, path)
	_, err = st.GetService("FUTURE")
	wantKind(t, err, usecase.ErrNewerSchema, `"future"`, "upgrade onboard")
	l, err := st.ListServices()
	if err != nil {
		t.Fatal(err)
	}
	var names, unreadable []string
	for _, s := range l.Services {
		names = append(names, s.Name)
	}
	for _, u := range l.Unreadable {
		unreadable = append(unreadable, u.Name)
	}
	if !slices.Equal(names, []string{"con-1", "con-3"}) || !slices.Equal(unreadable, []string{"broken", "future"}) ||
		!errors.Is(l.Unreadable[0].Err, usecase.ErrDamaged) || !errors.Is(l.Unreadable[1].Err, usecase.ErrNewerSchema) {
		t.Errorf("listed %v, unreadable %v", names, l.Unreadable)
	}
	r := passedReport(day0.Add(time.Hour), tenant.TriggerValidateAll, "Zq8")
	errs := st.RecordValidations([]usecase.Recorded{{Name: "con-1", Report: r}, {Name: "broken", Report: r}, {Name: "future", Report: r}, {Name: "con-3", Report: r}})
	if errs[0] != nil || errs[3] != nil || !errors.Is(errs[1], usecase.ErrDamaged) || !strings.Contains(errs[1].Error(), "broken") ||
		!errors.Is(errs[2], usecase.ErrNewerSchema) {
		t.Fatalf("per-entry results %v", errs)
	}
	for _, n := range []string{"con-1", "con-3"} {
		if h, _ := st.History(n); len(h) != 2 {
			t.Errorf("%s: %d reports, want the batch's recorded next to the unreadable ones", n, len(h))
		}
	}
}

// The store seals a secret bound to its service's name: a sealed value
// copied onto another service's record does not unseal there, and the
// listing names that service while reading the others.
func TestSealedSecretBoundToItsService(t *testing.T) {
	st, path := openClocked(t)
	mustCustomer(t, st, "Contoso")
	mustService(t, st, activeSvc(t, "con-1", "Contoso", day0))
	mustService(t, st, activeSvc(t, "con-2", "Contoso", day0))
	st.Close()
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("services"))
		data, err := bolt.MoveSealedSecret(b.Get([]byte("con-1")), b.Get([]byte("con-2")))
		if err != nil {
			return err
		}
		return b.Put([]byte("con-2"), data)
	})
	st = mustOpen(t, path, ringOf(t, 1))
	_, err := st.GetService("con-2")
	wantKind(t, err, usecase.ErrCannotUnseal, "con-2")
	if strings.Contains(err.Error(), secretFor("con-1").Reveal()) {
		t.Fatal("the error shows the secret")
	}
	if svc, err := st.GetService("con-1"); err != nil || svc.App.Secret.Reveal() != secretFor("con-1").Reveal() {
		t.Fatalf("con-1: %v", err)
	}
	l, err := st.ListServices()
	if err != nil || len(l.Services) != 1 || len(l.Unreadable) != 1 || l.Unreadable[0].Name != "con-2" {
		t.Errorf("listing: %+v %v", l, err)
	}
}

// Neither the sealing key nor its file's text is ever in the database.
func TestSealingKeyNotInTheFile(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, seal.KeyFileName)
	l, err := seal.LoadFile(keyFile, true)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "onboard.db")
	st := mustOpen(t, path, seal.NewKeyring(l.Key))
	mustCustomer(t, st, "Contoso")
	for i := range 20 {
		mustService(t, st, activeSvc(t, fmt.Sprintf("con-%d", i), "Contoso", day0))
	}
	st.Close()
	text, _ := os.ReadFile(keyFile)
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(text)))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for form, b := range map[string][]byte{"raw": raw, "base64": bytes.TrimSpace(text), "first half": raw[:16], "second half": raw[16:]} {
		if bytes.Contains(data, b) {
			t.Errorf("the database holds the sealing key (%s)", form)
		}
	}
}

// A file that is not a bbolt database is refused, and left as it was; one
// as large as a database's first pages is refused as damaged, with how to
// get the data back.
func TestNotADatabaseRefused(t *testing.T) {
	for _, size := range []int{15_000, 100_000} {
		path := filepath.Join(t.TempDir(), "notes.db")
		junk := bytes.Repeat([]byte("not a database "), size/15)
		if err := os.WriteFile(path, junk, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := bolt.Open(path, bolt.Options{Keys: ringOf(t, 1)})
		if err == nil {
			st.Close()
			t.Fatalf("a text file of %d bytes was opened as a database", len(junk))
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("%d bytes: %v does not name the file", len(junk), err)
		}
		// A file smaller than two pages is refused by bbolt before its
		// pages are read, with an error that has no sentinel ("file size
		// too small"): it is not classified as damage.
		if len(junk) > 2*16<<10 {
			wantKind(t, err, usecase.ErrDamaged, "restore it from a backup")
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, junk) {
			t.Errorf("%d bytes: the refused file changed", len(junk))
		}
	}
}

func TestDefaultPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "/srv/data")
	if p, err := bolt.DefaultPath(); err != nil || p != "/srv/data/onboard/onboard.db" {
		t.Errorf("with XDG_DATA_HOME: %q %v", p, err)
	}
	for _, xdg := range []string{"", "relative/dir"} { // a relative one is ignored, as the spec says
		t.Setenv("XDG_DATA_HOME", xdg)
		if p, err := bolt.DefaultPath(); err != nil || p != filepath.Join(home, ".local", "share", "onboard", "onboard.db") {
			t.Errorf("with XDG_DATA_HOME=%q: %q %v", xdg, p, err)
		}
	}
}
