package wizard

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"onboard/store"
	"onboard/tenant"
	"onboard/tenant/entrasim"
)

// gatedStore holds its first RecordValidations until open is closed, so a
// test can have reports pile up behind a write in progress.
type gatedStore struct {
	serviceStore
	open  chan struct{}
	mu    sync.Mutex
	sizes []int
}

func (g *gatedStore) RecordValidations(batch []store.Recorded) error {
	g.mu.Lock()
	first := len(g.sizes) == 0
	g.sizes = append(g.sizes, len(batch))
	g.mu.Unlock()
	if first {
		<-g.open
	}
	return g.serviceStore.RecordValidations(batch)
}

// watchedValidator is the real validator; after calls to each it runs
// after(n) with the number delivered so far.
type watchedValidator struct {
	validator
	after func(n int)
}

func (w watchedValidator) ValidateMany(ctx context.Context, svcs []tenant.Service, conc int, each func(tenant.Service, *tenant.ValidationReport)) {
	n := 0
	w.validator.ValidateMany(ctx, svcs, conc, func(s tenant.Service, r *tenant.ValidationReport) {
		each(s, r)
		n++
		w.after(n)
	})
}

func manyValidated(t *testing.T, e *env, n int) []tenant.Service {
	t.Helper()
	d := demoTenant(t, "Contoso")
	svcs := make([]tenant.Service, n)
	for i := range svcs {
		svcs[i] = e.validated(t, fmt.Sprintf("ctso-%02d", i), "Contoso Ltd", d)
	}
	return svcs
}

// Reports that arrive while a write is in progress go in the next write
// together: one transaction (one fsync) for many reports.
func TestValidateAllBatchesReportsThatArriveDuringAWrite(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	svcs := manyValidated(t, e, 12)
	g := &gatedStore{serviceStore: e.store, open: make(chan struct{})}
	v := watchedValidator{validator: e.v, after: func(n int) {
		if n == len(svcs) {
			close(g.open) // every report is in: let the first write finish
		}
	}}
	var got []string
	validateAll(t.Context(), v, g, svcs, func(batch []store.Recorded, err error) {
		if err != nil {
			t.Errorf("record: %v", err)
		}
		for _, r := range batch {
			got = append(got, r.Name)
		}
	})
	// The first write takes what had arrived when the writer woke (one or
	// a few); everything else waited for it and goes in the second.
	if len(g.sizes) != 2 || g.sizes[0]+g.sizes[1] != len(svcs) {
		t.Errorf("writes of %v reports, want two writes of %d in all: the reports that waited were not written together", g.sizes, len(svcs))
	}
	if len(got) != len(svcs) {
		t.Errorf("recorded %d reports, want %d", len(got), len(svcs))
	}
	for _, s := range svcs {
		if h, err := e.store.History(s.Name); err != nil || len(h) != 2 {
			t.Errorf("%s: history %d (%v), want 2", s.Name, len(h), err)
		}
	}
}

// A cancel keeps every report that arrived before it, even those still
// waiting for a write, and records none after it.
func TestValidateAllCancelKeepsWhatFinished(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	svcs := manyValidated(t, e, 10)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	g := &gatedStore{serviceStore: e.store, open: make(chan struct{})}
	v := watchedValidator{validator: e.v, after: func(n int) {
		if n == 3 {
			cancel()
			close(g.open) // three arrived, two of them behind the first write
		}
	}}
	validateAll(ctx, v, g, svcs, func([]store.Recorded, error) {})
	recorded := 0
	for _, s := range svcs {
		h, err := e.store.History(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		recorded += len(h) - 1
	}
	if recorded != 3 {
		t.Errorf("%d reports recorded after a cancel at the third, want 3 (writes %v)", recorded, g.sizes)
	}
}
