package postgres_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/store/postgres"
	"onboard/store/seal"
	"onboard/store/storetest"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// Two engineers' processes on one database: the test binary runs itself
// as a child (envChild names its role) against the parent's schema
// (envSchema) with the parent's key (envKey).
const (
	envChild  = "ONBOARD_TEST_CHILD"
	envSchema = "ONBOARD_TEST_SCHEMA"
	envKey    = "ONBOARD_TEST_KEY"
	envProc   = "ONBOARD_TEST_PROC"
	// envOldKey is the key a rotating child keeps beside envKey.
	envOldKey = "ONBOARD_TEST_OLD_KEY"
)

// The concurrency test's sizes: services added by all, hot services
// edited by all, goroutines per process.
const (
	raceServices   = 2000
	raceHot        = 10
	raceGoroutines = 16
	raceIncrements = 12 // per goroutine
)

// engineerStats is what a child reports on stdout.
type engineerStats struct {
	Added, Taken, Increments, Stale, Recorded int
	BadStale                                  []string
	Errors                                    []string
}

// runChild runs the role a parent test gave this process.
func runChild(role string) int {
	key, err := base64.StdEncoding.DecodeString(os.Getenv(envKey))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	k, err := seal.NewKey(key, "test key")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	keys := seal.NewKeyring(k)
	if old := os.Getenv(envOldKey); old != "" {
		raw, err := base64.StdEncoding.DecodeString(old)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		o, err := seal.NewKey(raw, "old test key")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		keys = seal.NewKeyring(k, o)
	}
	proc := os.Getenv(envProc)
	opts := postgres.Options{Keys: keys, Actor: usecase.Actor{Engineer: "engineer-" + proc, Host: "host-" + proc}, Schema: os.Getenv(envSchema)}
	st, err := postgres.Open(context.Background(), serverURL, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer st.Close()
	switch role {
	case "migrate":
		return 0
	case "engineer":
		stats := engineer(st, proc)
		_ = json.NewEncoder(os.Stdout).Encode(stats)
		return 0
	case "rotate":
		// Rotates in batches of 5; after the second it says so and waits
		// for the parent's SIGKILL.
		_, err := st.Rekey(context.Background(), usecase.RekeyOptions{BatchSize: 5, AfterBatch: func(n int) error {
			if n >= 10 {
				fmt.Printf("resealed %d\n", n)
				select {}
			}
			return nil
		}})
		fmt.Fprintln(os.Stderr, "the rotation ended before it was killed:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "unknown child role %q\n", role)
	return 2
}

// engineer adds, edits and validates at once from raceGoroutines
// goroutines: every name is tried by both processes, the hot services
// are incremented read-modify-write on the copy last opened, and every
// service added gets reports of random times.
func engineer(st *postgres.Store, proc string) engineerStats {
	var mu sync.Mutex
	var stats engineerStats
	fail := func(format string, args ...any) {
		mu.Lock()
		stats.Errors = append(stats.Errors, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for g := range raceGoroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), uint64(len(proc))))
			var mine []string
			for i := g; i < raceServices; i += raceGoroutines {
				name := fmt.Sprintf("race-%04d", i)
				err := st.CreateService(tenant.Service{Name: name, Customer: "Contoso", License: tenant.LicensePro, Users: 1,
					State: tenant.StatePendingAuth, App: tenant.AppRegistration{ClientID: "11111111-2222-4333-8444-555555555555", Secret: storetest.SecretOf(name)}})
				mu.Lock()
				switch {
				case err == nil:
					stats.Added++
					mine = append(mine, name)
				case errors.Is(err, usecase.ErrExists):
					stats.Taken++
				default:
					stats.Errors = append(stats.Errors, "create "+name+": "+err.Error())
				}
				mu.Unlock()
				// Now and then: increment a hot service, validate a batch.
				if i%(raceServices/raceIncrements/raceGoroutines*raceGoroutines) < raceGoroutines {
					increment(st, fmt.Sprintf("hot-%02d", rng.IntN(raceHot)), &mu, &stats, fail)
				}
				if len(mine) >= 8 {
					record(st, mine, rng, &mu, &stats, fail)
					mine = mine[:0]
				}
			}
			record(st, mine, rng, &mu, &stats, fail)
		}()
	}
	wg.Wait()
	return stats
}

// increment adds one user to a hot service on the copy it opened, opening
// it again when a teammate changed it first: a stale edit must be refused
// with the clear message, never applied.
func increment(st *postgres.Store, name string, mu *sync.Mutex, stats *engineerStats, fail func(string, ...any)) {
	for range 200 {
		opened, err := st.GetService(name)
		if err != nil {
			fail("open %s: %v", name, err)
			return
		}
		err = st.UpdateService(name, opened.Version, func(s *tenant.Service) error { s.Users = opened.Users + 1; return nil })
		mu.Lock()
		switch {
		case err == nil:
			stats.Increments++
			mu.Unlock()
			return
		case errors.Is(err, usecase.ErrStale):
			stats.Stale++
			if !strings.Contains(err.Error(), "was changed by engineer-") || !strings.Contains(err.Error(), "since you opened it") {
				stats.BadStale = append(stats.BadStale, err.Error())
			}
			mu.Unlock()
		default:
			mu.Unlock()
			fail("increment %s: %v", name, err)
			return
		}
	}
	fail("increment %s: stale 200 times in a row", name)
}

// record validates services with reports of random times.
func record(st *postgres.Store, names []string, rng *rand.Rand, mu *sync.Mutex, stats *engineerStats, fail func(string, ...any)) {
	if len(names) == 0 {
		return
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var batch []usecase.Recorded
	for _, n := range names {
		for range 2 {
			r := tenant.ValidationReport{At: base.Add(time.Duration(rng.IntN(1_000_000)) * time.Second), Trigger: tenant.TriggerValidateAll, SecretHint: "Sx8"}
			r.Add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusPass, Detail: "ok"})
			batch = append(batch, usecase.Recorded{Name: n, Report: r})
		}
	}
	// A teammate validates the same services at once.
	other := names[rng.IntN(len(names))]
	r := tenant.ValidationReport{At: base.Add(time.Duration(rng.IntN(1_000_000)) * time.Second), Trigger: tenant.TriggerRevalidated}
	r.Add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusPass, Detail: "ok"})
	batch = append(batch, usecase.Recorded{Name: other, Report: r})
	for i, err := range st.RecordValidations(batch) {
		if err != nil {
			fail("record %s: %v", batch[i].Name, err)
			continue
		}
		mu.Lock()
		stats.Recorded++
		mu.Unlock()
	}
}

// children starts n children of a role against a schema and returns their
// stdout once all have exited.
func children(t *testing.T, role string, sc schema, key *seal.Key, raw []byte, n int) [][]byte {
	t.Helper()
	type result struct {
		out []byte
		err error
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), envChild+"="+role, envSchema+"="+sc.name, envKey+"="+base64.StdEncoding.EncodeToString(raw),
				envProc+"="+fmt.Sprint(i+1))
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				err = fmt.Errorf("%w: %s", err, stderr.String())
			}
			results[i] = result{out, err}
		}()
	}
	wg.Wait()
	var outs [][]byte
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("child %d (%s): %v", i+1, role, r.err)
		}
		outs = append(outs, r.out)
	}
	_ = key
	return outs
}
