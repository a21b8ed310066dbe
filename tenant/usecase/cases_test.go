package usecase_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/store/storetest"
	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entra/entratest"
	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
)

var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func nowFn() time.Time { return testNow }

// rig is a real bbolt store, the real validator against the simulated
// directory, and the use cases over both.
type rig struct {
	st    usecase.Store
	v     *entra.Validator
	srv   *entrasim.Server
	cases *usecase.Cases
}

func newRig(t testing.TB, dir entrasim.Directory) *rig {
	t.Helper()
	st := storetest.Bolt(t, nowFn)
	srv, v := entratest.Validator(t, dir, nowFn)
	return &rig{st: st, v: v, srv: srv, cases: usecase.New(st, v, usecase.Options{Now: nowFn, Actor: usecase.Actor{Engineer: "alice"}})}
}

func demo(t testing.TB, prefix string) entrasim.DemoTenant {
	t.Helper()
	for _, d := range entrasim.DemoTenants(testNow) {
		if strings.HasPrefix(d.Label, prefix) {
			return d
		}
	}
	t.Fatalf("no demo tenant %q", prefix)
	return entrasim.DemoTenant{}
}

// add creates a service through the use cases from demo credentials.
func (r *rig) add(t testing.TB, name, customer string, d entrasim.DemoTenant) tenant.Service {
	t.Helper()
	in := tenant.ServiceInput{Customer: customer, Name: name, License: "pro", Users: "20",
		TenantID: d.TenantID, ClientID: d.ClientID, Secret: d.Secret, AdminUser: d.AdminUPN, UseKnownApp: true}
	_, newCustomer := r.st.GetCustomer(customer)
	svc, _, err := in.Parse(testNow)
	if err != nil {
		t.Fatal(err)
	}
	rep := r.cases.Validate(context.Background(), tenant.CredentialsOf(svc), nil)
	out, err := r.cases.Create(usecase.NewService{Input: in, NewCustomer: newCustomer != nil, Report: rep})
	if err != nil {
		t.Fatalf("create %s: %v (%s)", name, err, rep.Status)
	}
	return out
}

// gatedStore holds its first RecordValidations until open is closed, so a
// test can have reports pile up behind a write in progress.
type gatedStore struct {
	usecase.Store
	open  chan struct{}
	mu    sync.Mutex
	sizes []int
}

func (g *gatedStore) RecordValidations(batch []usecase.Recorded) []error {
	g.mu.Lock()
	first := len(g.sizes) == 0
	g.sizes = append(g.sizes, len(batch))
	g.mu.Unlock()
	if first {
		<-g.open
	}
	return g.Store.RecordValidations(batch)
}

// watchedValidator is the real validator; after each delivery it runs
// after(n) with the number delivered so far.
type watchedValidator struct {
	*entra.Validator
	after func(n int)
}

func (w watchedValidator) ValidateMany(ctx context.Context, svcs []tenant.Service, conc int, each func(tenant.Service, *tenant.ValidationReport)) {
	n := 0
	w.Validator.ValidateMany(ctx, svcs, conc, func(s tenant.Service, r *tenant.ValidationReport) {
		each(s, r)
		n++
		w.after(n)
	})
}

func (r *rig) many(t *testing.T, n int) []tenant.Service {
	t.Helper()
	d := demo(t, "Contoso")
	svcs := make([]tenant.Service, n)
	for i := range svcs {
		svcs[i] = r.add(t, fmt.Sprintf("ctso-%02d", i), "Contoso Ltd", d)
	}
	return svcs
}

// Reports that arrive while a write is in progress go in the next write
// together: one transaction (one fsync) for many reports.
func TestValidateAllBatchesReportsThatArriveDuringAWrite(t *testing.T) {
	r := newRig(t, entrasim.Demo(testNow))
	svcs := r.many(t, 12)
	g := &gatedStore{Store: r.st, open: make(chan struct{})}
	v := watchedValidator{Validator: r.v, after: func(n int) {
		if n == len(svcs) {
			close(g.open) // every report is in: let the first write finish
		}
	}}
	cases := usecase.New(g, v, usecase.Options{Now: nowFn, Actor: usecase.Actor{Engineer: "alice"}})
	var got []string
	res, err := cases.ValidateAll(t.Context(), nil, 4, func(batch []usecase.Validated, _ int) {
		for _, b := range batch {
			if b.Err != nil {
				t.Errorf("record: %v", b.Err)
			}
			got = append(got, b.Service.Name)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// The first write takes what had arrived when the writer woke (one or
	// a few); everything else waited for it and goes in the second.
	if len(g.sizes) != 2 || g.sizes[0]+g.sizes[1] != len(svcs) {
		t.Errorf("writes of %v reports, want two writes of %d in all: the reports that waited were not written together", g.sizes, len(svcs))
	}
	if len(got) != len(svcs) || res.Recorded != len(svcs) || res.Total != len(svcs) || res.Interrupted {
		t.Errorf("recorded %d reports (%+v), want %d", len(got), res, len(svcs))
	}
	for _, s := range svcs {
		h, err := r.st.History(s.Name)
		if err != nil || len(h) != 2 || h[0].Trigger != tenant.TriggerValidateAll || h[0].By != "alice" {
			t.Errorf("%s: history %d (%v), want 2, the newest from validate all by alice", s.Name, len(h), err)
		}
	}
}

// A cancel keeps every report that arrived before it, even those still
// waiting for a write, and records none after it.
func TestValidateAllCancelKeepsWhatFinished(t *testing.T) {
	r := newRig(t, entrasim.Demo(testNow))
	svcs := r.many(t, 10)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	g := &gatedStore{Store: r.st, open: make(chan struct{})}
	v := watchedValidator{Validator: r.v, after: func(n int) {
		if n == 3 {
			cancel()
			close(g.open) // three arrived, two of them behind the first write
		}
	}}
	res, _ := usecase.New(g, v, usecase.Options{Now: nowFn}).ValidateAll(ctx, nil, 2, nil)
	recorded := 0
	for _, s := range svcs {
		h, err := r.st.History(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		recorded += len(h) - 1
	}
	if recorded != 3 || res.Recorded != 3 || !res.Interrupted {
		t.Errorf("%d reports recorded after a cancel at the third (%+v), want 3 (writes %v)", recorded, res, g.sizes)
	}
}

// One entry that cannot be recorded (its service was deleted meanwhile)
// leaves the others recorded and is named.
func TestValidateAllNamesWhatCouldNotBeRecorded(t *testing.T) {
	r := newRig(t, entrasim.Demo(testNow))
	r.many(t, 3)
	del := &deletingStore{Store: r.st, name: "ctso-01"}
	res, err := usecase.New(del, r.v, usecase.Options{Now: nowFn}).ValidateAll(t.Context(), nil, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Recorded != 2 || res.NotRecorded != 1 {
		t.Errorf("%+v, want 2 recorded and 1 not", res)
	}
}

// deletingStore deletes a service just before the first batch is recorded.
type deletingStore struct {
	usecase.Store
	name string
	once sync.Once
}

func (d *deletingStore) RecordValidations(batch []usecase.Recorded) []error {
	d.once.Do(func() { _ = d.Store.DeleteService(d.name, 0) })
	return d.Store.RecordValidations(batch)
}

func TestNewCredentialsReplacesOnlyAPassingSecret(t *testing.T) {
	dir := entrasim.Demo(testNow)
	app := &dir.Tenants[0].Apps[0]
	const rotated = "Nq58Q~Rotated7Secret2For9The4Cases1Test"
	app.Secrets = append(app.Secrets, entrasim.Secret{Value: rotated, KeyID: "12121212-1212-4121-8121-121212121212",
		StartDateTime: testNow.Add(-time.Hour), EndDateTime: testNow.AddDate(0, 0, 700).Add(time.Hour)})
	r := newRig(t, dir)
	d := demo(t, "Contoso")
	svc := r.add(t, "ctso-dr1", "Contoso Ltd", d)

	// The same secret again: nothing to do, nothing sent.
	r.srv.ResetCounts()
	out, err := r.cases.NewCredentials(t.Context(), svc, tenant.AppRegistration{Secret: tenant.NewSecret(d.Secret)}, nil)
	if err != nil || !out.Unchanged || len(r.srv.Counts()) != 0 {
		t.Errorf("identical secret: %+v %v (requests %v)", out, err, r.srv.Counts())
	}
	// A wrong secret is refused and kept as an attempt.
	out, err = r.cases.NewCredentials(t.Context(), svc, tenant.AppRegistration{Secret: tenant.NewSecret("Wr08Q~ThisIsNotTheSecretAtAll0000000000Z")}, nil)
	if err != nil || out.Saved || out.Report.Passed() {
		t.Fatalf("wrong secret: %+v %v", out, err)
	}
	got, _ := r.st.GetService("ctso-dr1")
	if got.App.Secret.Reveal() != d.Secret || got.LastValidation.Trigger != tenant.TriggerCreated {
		t.Errorf("a failed secret changed the service: %s %s", got.App.Secret.Masked(), got.LastValidation.Trigger)
	}
	h, _ := r.st.History("ctso-dr1")
	if len(h) != 2 || h[0].Trigger != tenant.TriggerAttempt {
		t.Errorf("the failed attempt is not in the history: %d", len(h))
	}
	// The rotated secret passes and replaces it.
	out, err = r.cases.NewCredentials(t.Context(), got, tenant.AppRegistration{Secret: tenant.NewSecret(rotated)}, nil)
	if err != nil || !out.Saved || out.Service.App.Secret.Reveal() != rotated {
		t.Fatalf("rotated: %+v %v", out, err)
	}
	// The copy opened before is stale now.
	_, err = r.cases.NewCredentials(t.Context(), got, tenant.AppRegistration{Secret: tenant.NewSecret(rotated)}, nil)
	if !errors.Is(err, usecase.ErrStale) {
		t.Errorf("a secret replaced on a stale copy: %v", err)
	}
}

func TestRevalidateKeepsFactsAGraphBlipLost(t *testing.T) {
	r := newRig(t, entrasim.Demo(testNow))
	svc := r.add(t, "ctso-dr1", "Contoso Ltd", demo(t, "Contoso"))
	known := svc.LastValidation.SecretExpiresAt
	if known == nil {
		t.Fatal("no expiry at creation")
	}
	r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindGraph, PathContains: "applications", Status: 500})
	out, err := r.cases.Revalidate(t.Context(), "ctso-dr1", nil)
	if err != nil {
		t.Fatal(err)
	}
	rep := out.Service.LastValidation
	if rep.SecretExpiresAt == nil || !rep.SecretExpiresAt.Equal(*known) || rep.ExpiryReadAt == nil || !rep.ExpiryReadAt.Equal(svc.LastValidation.At) {
		t.Errorf("expiry after a Graph 500: %v read %v; want %v read at the first validation", rep.SecretExpiresAt, rep.ExpiryReadAt, known)
	}
}

func TestCheckNewRefusesBeforeTheSecret(t *testing.T) {
	r := newRig(t, entrasim.Demo(testNow))
	r.add(t, "ctso-dr1", "Contoso Ltd", demo(t, "Contoso"))
	in := tenant.ServiceInput{Customer: "contoso ltd", Name: "CTSO-DR1", License: "pro", Users: "5", TenantID: "contoso.onmicrosoft.com", ClientID: "3f6b2c1d-8e4a-4b7c-9d2e-5a6b7c8d9e01", UseKnownApp: true}
	if _, err := r.cases.CheckNew(in, false); !tenant.IsRuleError(err) || !strings.Contains(err.Error(), `"ctso-dr1"`) {
		t.Errorf("taken name: %v", err)
	}
	// Every broken rule in one answer: the store's and the input's.
	bad := in
	bad.Customer, bad.License, bad.Users = "Nobody", "gold", "501"
	_, err := r.cases.CheckNew(bad, false)
	var rules tenant.Rules
	if !errors.As(err, &rules) || len(rules) != 4 {
		t.Errorf("CheckNew with four broken rules: %v", err)
	}
	in.Name, in.Customer = "ctso-dr2", "Nobody"
	if _, err := r.cases.CheckNew(in, false); !tenant.IsRuleError(err) {
		t.Errorf("missing customer: %v", err)
	}
	in.Customer = "contoso ltd"
	svc, err := r.cases.CheckNew(in, false)
	if err != nil || svc.Customer != "Contoso Ltd" {
		t.Errorf("stored spelling of the customer: %+v %v", svc.Customer, err)
	}
}

// Parking keeps a service whose tenant the customer's admin must fix; a
// wrong secret is refused even when parking is asked for, and nothing is
// saved.
func TestCreateParksOnlyTheCustomersSide(t *testing.T) {
	r := newRig(t, entrasim.Demo(testNow))
	for _, c := range []struct {
		demo, name string
		parked     bool
	}{{"Proseware", "prose-1", true}, {"Wingtip", "wing-1", false}} {
		d := demo(t, c.demo)
		in := tenant.ServiceInput{Customer: c.demo, Name: c.name, License: "pro", Users: "5",
			TenantID: d.TenantID, ClientID: d.ClientID, Secret: d.Secret, UseKnownApp: true}
		svc, _, err := in.Parse(testNow)
		if err != nil {
			t.Fatal(err)
		}
		rep := r.cases.Validate(context.Background(), tenant.CredentialsOf(svc), nil)
		if rep.Passed() {
			t.Fatalf("%s passed", c.demo)
		}
		saved, err := r.cases.Create(usecase.NewService{Input: in, NewCustomer: true, Report: rep, Park: true})
		switch {
		case c.parked && (err != nil || saved.State != tenant.StatePendingAuth):
			t.Errorf("%s: %+v %v, want it parked", c.demo, saved.State, err)
		case !c.parked && !errors.Is(err, tenant.ErrNotValidated):
			t.Errorf("%s parked: %v, want ErrNotValidated", c.demo, err)
		}
		if _, err := r.st.GetService(c.name); (err == nil) != c.parked {
			t.Errorf("%s stored: %v", c.name, err)
		}
	}
}
