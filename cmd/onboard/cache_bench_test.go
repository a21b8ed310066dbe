package main

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"onboard/tenant/entrasim"
)

// BenchmarkValidateAll50KnownTenants is the README's measurement: 50
// services in 50 tenants re-validated by a new `onboard validate --all`
// process (default concurrency) against the simulated directory at
// 100 ms per request, side by side in one run: "empty" with an empty
// cache directory (every tenant's metadata fetched: three round trips),
// "known" with the cache a previous process left (two). Target: known ≤
// 0.75 × empty. "no-cache" (--no-cache) shows what writing the cache costs
// a cold run. The runs rotate, so drift in the machine's load falls on
// all three.
//
//	go test -run '^$' -bench ValidateAll50KnownTenants -benchtime 5x ./cmd/onboard
func BenchmarkValidateAll50KnownTenants(b *testing.B) {
	const n = 50
	d, fx := bulkDirectory(n, time.Now())
	w := newWorld(b, d)
	w.seedBulk(b, fx)
	w.srv.SetLatency(100 * time.Millisecond)

	runAll := func(cacheHome string) (time.Duration, int) {
		b.Helper()
		var args []string
		if cacheHome == "" {
			args = []string{"--no-cache"}
		}
		w.srv.ResetCounts()
		took, _ := timeValidateAll(b, append(w.env(), "XDG_CACHE_HOME="+cacheHome), n, args...)
		return took, w.srv.Count(entrasim.KindMetadata)
	}
	warm := filepath.Join(w.dir, "cache-known")
	if _, meta := runAll(warm); meta != n {
		b.Fatalf("warming the cache: %d metadata requests, want %d", meta, n)
	}

	var empty, known, none time.Duration
	var emptyMeta, knownMeta int
	b.ResetTimer()
	for i := range b.N {
		cold := filepath.Join(w.dir, fmt.Sprintf("cache-empty-%d", i))
		runs := []func(){
			func() { d, m := runAll(cold); empty += d; emptyMeta += m },
			func() { d, m := runAll(warm); known += d; knownMeta += m },
			func() { d, _ := runAll(""); none += d },
		}
		for j := range runs {
			runs[(i+j)%len(runs)]()
		}
	}
	b.StopTimer()
	b.ReportMetric(empty.Seconds()/float64(b.N), "s/empty-cache")
	b.ReportMetric(known.Seconds()/float64(b.N), "s/known-tenants")
	b.ReportMetric(none.Seconds()/float64(b.N), "s/no-cache")
	b.ReportMetric(known.Seconds()/empty.Seconds(), "known/empty")
	b.ReportMetric(float64(emptyMeta)/float64(b.N), "metadata-requests/empty")
	b.ReportMetric(float64(knownMeta)/float64(b.N), "metadata-requests/known")
	if knownMeta != 0 {
		b.Errorf("known tenants: %d metadata requests in %d runs, want 0", knownMeta, b.N)
	}
}
