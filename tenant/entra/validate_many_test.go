package entra_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"onboard/tenant"
	"onboard/tenant/entrasim"
)

func demoServices(t testing.TB, now time.Time, n int) []tenant.Service {
	var out []tenant.Service
	demos := entrasim.DemoTenants(now)
	for i := 0; i < n; i++ {
		d := demos[i%len(demos)]
		out = append(out, tenant.Service{Name: d.Label, App: tenant.AppRegistration{
			TenantID: d.TenantID, ClientID: d.ClientID, Secret: tenant.NewSecret(d.Secret), AdminUser: d.AdminUPN}})
	}
	return out
}

func TestValidateManyBoundsConcurrency(t *testing.T) {
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	r.srv.SetLatency(20 * time.Millisecond)
	svcs := demoServices(t, now, 20)
	var (
		inside atomic.Int32
		seen   = map[string]int{}
		n      int
	)
	r.validator().ValidateMany(context.Background(), svcs, 3, func(s tenant.Service, rep *tenant.ValidationReport) {
		if inside.Add(1) != 1 {
			t.Error("each called concurrently")
		}
		defer inside.Add(-1)
		if rep == nil || len(rep.Checks) == 0 {
			t.Errorf("%s: empty report", s.Name)
		}
		seen[s.Name]++
		n++
	})
	if n != len(svcs) {
		t.Errorf("each called %d times, want %d", n, len(svcs))
	}
	// Each validation asks its two tokens (Graph and the Teams admin API)
	// at once, so at most 3×2 can be at the token endpoint together.
	if got := r.srv.MaxInFlight(entrasim.KindToken); got > 6 {
		t.Errorf("%d token requests in flight together, want ≤ 6", got)
	}
	if got := r.srv.MaxInFlight(entrasim.KindMetadata) + r.srv.MaxInFlight(entrasim.KindToken); got > 9 {
		t.Errorf("in flight: %d", got)
	}
}

func TestValidateManyStopsOnCancel(t *testing.T) {
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	svcs := demoServices(t, now, 8)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	delivered := 0
	r.validator().ValidateMany(ctx, svcs, 1, func(tenant.Service, *tenant.ValidationReport) {
		delivered++
		cancel()
	})
	if delivered != 1 {
		t.Errorf("delivered %d reports after cancelling on the first, want 1", delivered)
	}
	if got := r.srv.Count(entrasim.KindToken); got != 2 {
		t.Errorf("%d token requests, want the first validation's 2; no new validation may start after the cancel", got)
	}
}

func TestValidateManyCancelledBeforeStart(t *testing.T) {
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.validator().ValidateMany(ctx, demoServices(t, now, 4), 2, func(tenant.Service, *tenant.ValidationReport) {
		t.Error("nothing may be delivered once cancelled")
	})
	if c := r.srv.Counts(); len(c) != 0 {
		t.Errorf("requests made: %v", c)
	}
}
