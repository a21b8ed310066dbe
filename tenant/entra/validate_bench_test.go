package entra_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entrasim"
)

// benchRig is a directory with `latency` injected per request.
func benchRig(b *testing.B, latency time.Duration) *rig {
	now := time.Now()
	r := newRig(b, entrasim.Demo(now), now)
	r.cfg.Log = nil
	r.srv.SetLatency(latency)
	return r
}

// newProcess is a validator as a new onboard process has it: its own
// connections (a clone of the directory's transport), no MSAL clients,
// and the HTTP cache in cacheDir ("" = none).
func (r *rig) newProcess(cacheDir string) *entra.Validator {
	r.t.Helper()
	cfg := r.cfg
	cfg.CacheDir = cacheDir
	cfg.HTTPClient = &http.Client{Transport: r.srv.Client().Transport.(*http.Transport).Clone()}
	v, err := entra.NewValidator(cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	return v
}

// BenchmarkValidationsPerSecond: many validations of the healthy demo
// tenants through one validator, 32 at a time per CPU. At 0 ms the
// simulated directory's RSA-2048 token signing dominates the CPU profile.
func BenchmarkValidationsPerSecond(b *testing.B) {
	for _, lat := range []time.Duration{0, 50 * time.Millisecond} {
		b.Run(fmt.Sprintf("latency=%s", lat), func(b *testing.B) {
			r := benchRig(b, lat)
			v := r.validator()
			now := r.now
			creds := []tenant.Credentials{demoCreds(b, now, "Contoso"), demoCreds(b, now, "Fabrikam"), demoCreds(b, now, "Northwind")}
			for _, c := range creds { // warm: metadata and connections
				v.Validate(context.Background(), c, nil)
			}
			var i atomic.Int64
			b.SetParallelism(32)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c := creds[int(i.Add(1))%len(creds)]
					if rep := v.Validate(context.Background(), c, nil); rep.Status == tenant.StatusFail {
						b.Errorf("validation failed: %s", dump(rep))
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "validations/s")
		})
	}
}

// BenchmarkValidationLatency50ms: one validation at a time with 50 ms per
// request. "first" is a new process's first validation (new connection,
// metadata fetched): target ≤ 3×50+15 ms. "repeat" re-validates a tenant
// already seen: target ≤ 2×50+15 ms.
func BenchmarkValidationLatency50ms(b *testing.B) {
	const lat = 50 * time.Millisecond
	b.Run("first", func(b *testing.B) {
		r := benchRig(b, lat)
		c := demoCreds(b, r.now, "Contoso")
		var total time.Duration
		for i := 0; i < b.N; i++ {
			v := r.newProcess("")
			t0 := time.Now()
			rep := v.Validate(context.Background(), c, nil)
			total += time.Since(t0)
			if rep.Status != tenant.StatusPass {
				b.Fatal(dump(rep))
			}
		}
		b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/validation")
	})
	b.Run("repeat", func(b *testing.B) {
		r := benchRig(b, lat)
		c := demoCreds(b, r.now, "Contoso")
		v := r.validator()
		v.Validate(context.Background(), c, nil)
		b.ResetTimer()
		var total time.Duration
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			rep := v.Validate(context.Background(), c, nil)
			total += time.Since(t0)
			if rep.Status != tenant.StatusPass {
				b.Fatal(dump(rep))
			}
		}
		b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/validation")
	})
}
