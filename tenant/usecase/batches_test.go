package usecase

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entra/entratest"
	"onboard/tenant/entrasim"
)

// demoValidator validates against the simulated demo directory.
func demoValidator(t testing.TB, now time.Time) *entra.Validator {
	t.Helper()
	_, v := entratest.Validator(t, entrasim.Demo(now), func() time.Time { return now })
	return v
}

func demoServices(now time.Time, n int) []tenant.Service {
	var out []tenant.Service
	demos := entrasim.DemoTenants(now)
	for i := 0; i < n; i++ {
		d := demos[i%len(demos)]
		out = append(out, tenant.Service{Name: d.Label, App: tenant.AppRegistration{
			TenantID: d.TenantID, ClientID: d.ClientID, Secret: tenant.NewSecret(d.Secret), AdminUser: d.AdminUPN}})
	}
	return out
}

// TestInBatches: each gets everything waiting, including what arrived
// while its previous call ran, and nothing is left when q closes.
func TestInBatches(t *testing.T) {
	q := make(chan int, 8)
	q <- 1
	q <- 2
	var got [][]int
	inBatches(q, func(b []int) {
		got = append(got, b)
		if len(got) == 1 { // values finishing while the first batch is written
			q <- 3
			q <- 4
			q <- 5
			close(q)
		}
	})
	if fmt.Sprint(got) != "[[1 2] [3 4 5]]" {
		t.Errorf("batches %v, want [[1 2] [3 4 5]]", got)
	}
}

// TestValidateInBatches: every service is delivered once, in batches that
// are never handled concurrently, all before validateInBatches returns.
func TestValidateInBatches(t *testing.T) {
	now := time.Now()
	v := demoValidator(t, now)
	svcs := demoServices(now, 24)
	for i := range svcs {
		svcs[i].Name = fmt.Sprintf("SVC%02d", i)
	}
	var (
		inside atomic.Int32
		seen   = map[string]int{}
	)
	validateInBatches(context.Background(), v, svcs, 6, func(batch []Validated) {
		if inside.Add(1) != 1 {
			t.Error("batches handled concurrently")
		}
		defer inside.Add(-1)
		if len(batch) == 0 {
			t.Error("empty batch")
		}
		for _, v := range batch {
			if v.Report == nil || len(v.Report.Checks) == 0 {
				t.Errorf("%s: empty report", v.Service.Name)
			}
			seen[v.Service.Name]++
		}
	})
	if len(seen) != len(svcs) {
		t.Errorf("%d services delivered, want %d", len(seen), len(svcs))
	}
	for name, n := range seen {
		if n != 1 {
			t.Errorf("%s delivered %d times", name, n)
		}
	}
}
