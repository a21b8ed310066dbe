package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"onboard/tenant/entrasim"
)

// BenchmarkValidateAll500 is the README's bulk measurement: 500 services in
// 500 tenants, `onboard validate --all --concurrency 32` as a child
// process against the simulated directory with 100 ms latency on every
// request. Targets: under 8 s (three round trips per first validation make
// the floor 500/32 × 0.3 s ≈ 4.7 s) and under 100 MB of resident memory.
//
//	go test -run '^$' -bench ValidateAll500 -benchtime 1x ./cmd/onboard
func BenchmarkValidateAll500(b *testing.B) {
	const n = 500
	d, fx := bulkDirectory(n, time.Now())
	w := newWorld(b, d)
	w.seedBulk(b, fx)
	w.srv.SetLatency(100 * time.Millisecond)

	var total, cpu time.Duration
	var maxRSS int64
	b.ResetTimer()
	for range b.N {
		// Every run's tenants are new (the cache: BenchmarkValidateAll50KnownTenants).
		took, ps := timeValidateAll(b, append(w.env(), "ONBOARD_NO_CACHE=1"), n, "--concurrency", "32")
		total += took
		cpu += ps.UserTime() + ps.SystemTime()
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > maxRSS {
			maxRSS = ru.Maxrss // kilobytes on Linux
		}
	}
	b.StopTimer()
	b.ReportMetric(total.Seconds()/float64(b.N), "s/validate-all")
	b.ReportMetric(float64(maxRSS)/1024, "MB-maxrss")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/run")
	for _, k := range []entrasim.Kind{entrasim.KindMetadata, entrasim.KindToken, entrasim.KindGraph} {
		b.ReportMetric(float64(w.srv.Count(k))/float64(b.N), string(k)+"-requests/run")
	}
	b.ReportMetric(float64(w.srv.MaxInFlight(entrasim.KindToken)), "max-tokens-in-flight")
	// --concurrency counts validations; each asks for its Teams admin API
	// token beside its Graph reads, so two tokens per validation at most.
	if in := w.srv.MaxInFlight(entrasim.KindToken); in > 2*32 {
		b.Errorf("%d token requests in flight at once with --concurrency 32 (at most 64: two per validation)", in)
	}
}

// BenchmarkValidateAll500PostgresVsBolt runs the same bulk validation
// (500 services in 500 tenants, --concurrency 32, 100 ms latency) on a
// bbolt file and on the team database (a schema of its own on the test
// server, filled by db copy), alternating, in one run: the ratio is
// PostgreSQL's time over bbolt's (target ≤ 1.1).
//
//	ONBOARD_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -run '^$' -bench PostgresVsBolt -benchtime 2x ./cmd/onboard
func BenchmarkValidateAll500PostgresVsBolt(b *testing.B) {
	serverURL := os.Getenv("ONBOARD_TEST_POSTGRES")
	if serverURL == "" {
		b.Skip("set ONBOARD_TEST_POSTGRES to a PostgreSQL server")
	}
	const n = 500
	d, fx := bulkDirectory(n, time.Now())
	w := newWorld(b, d)
	w.seedBulk(b, fx)
	team := teamSchema(b, serverURL)
	if r := w.run(b, "", nil, "db", "copy", "--from", w.db, "--to", team); r.code != 0 {
		b.Fatalf("db copy:\n%s", r)
	}
	w.srv.SetLatency(100 * time.Millisecond)
	run := func(db string) time.Duration {
		took, _ := timeValidateAll(b, w.env(), n, "--db", db, "--concurrency", "32")
		return took
	}
	var onBolt, onPG time.Duration
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			onBolt += run(w.db)
			onPG += run(team)
		} else {
			onPG += run(team)
			onBolt += run(w.db)
		}
	}
	b.StopTimer()
	b.ReportMetric(onBolt.Seconds()/float64(b.N), "s/bolt")
	b.ReportMetric(onPG.Seconds()/float64(b.N), "s/postgres")
	b.ReportMetric(onPG.Seconds()/onBolt.Seconds(), "postgres/bolt")
}

// timeValidateAll runs `onboard validate --all` with args in a child
// process with env, fails b unless it exits 0 with all n services
// passed, and returns how long it ran and its finished process.
func timeValidateAll(b *testing.B, env []string, n int, args ...string) (time.Duration, *os.ProcessState) {
	b.Helper()
	cmd := exec.Command(binPath, append([]string{"validate", "--all"}, args...)...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		b.Fatalf("validate --all %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	if got := bytes.Count(stdout.Bytes(), []byte(" pass ")); got != n {
		b.Fatalf("validate --all %s: %d of %d validations passed:\n%s", strings.Join(args, " "), got, n, stdout.String())
	}
	return took, cmd.ProcessState
}
