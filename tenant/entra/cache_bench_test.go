package entra_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"onboard/tenant"
)

// BenchmarkFirstValidationKnownTenant50ms: a new process's first
// validation (new validator, new connection) at 50 ms per request, side
// by side: "empty-cache" fetches the tenant's metadata (three round
// trips); "known-tenant" finds it in the HTTP cache a previous process
// left: target ≤ 2×50+25 ms.
//
//	go test -run '^$' -bench FirstValidationKnownTenant50ms ./tenant/entra
func BenchmarkFirstValidationKnownTenant50ms(b *testing.B) {
	const lat = 50 * time.Millisecond
	for _, known := range []bool{false, true} {
		name := "empty-cache"
		if known {
			name = "known-tenant"
		}
		b.Run(name, func(b *testing.B) {
			r := benchRig(b, lat)
			c := demoCreds(b, r.now, "Contoso")
			warm := filepath.Join(b.TempDir(), "warm")
			if known {
				if rep := r.newProcess(warm).Validate(context.Background(), c, nil); rep.Status != tenant.StatusPass {
					b.Fatal(dump(rep))
				}
			}
			r.srv.ResetCounts()
			b.ResetTimer()
			var total time.Duration
			for i := 0; i < b.N; i++ {
				dir := warm
				if !known {
					dir = filepath.Join(b.TempDir(), "empty")
				}
				v := r.newProcess(dir)
				t0 := time.Now()
				rep := v.Validate(context.Background(), c, nil)
				total += time.Since(t0)
				if rep.Status != tenant.StatusPass {
					b.Fatal(dump(rep))
				}
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/validation")
			b.ReportMetric(float64(r.srv.Count("metadata"))/float64(b.N), "metadata-requests/op")
		})
	}
}
