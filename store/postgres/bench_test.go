package postgres_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"onboard/store/postgres"
	"onboard/store/seal"
	"onboard/store/storetest"
	"onboard/tenant/usecase"
)

// benchServices is the size of the team inventory the benchmarks read.
const benchServices = 100_000

var (
	benchOnce  sync.Once
	benchStore *postgres.Store
)

// bigStore is one 100,000-service database shared by the benchmarks of a
// run: made once, dropped when the run ends.
func bigStore(b *testing.B) *postgres.Store {
	benchOnce.Do(func() {
		sc := unnamedSchema(b)
		atExit = append(atExit, func() { _ = sc.drop() })
		key, _ := newKey(b)
		st, err := postgres.Open(context.Background(), serverURL, sc.options(seal.NewKeyring(key), storetest.Engineer))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		customers, services := storetest.Sample(benchServices, 2, time.Now().UTC())
		for _, c := range customers {
			if _, err := st.CreateCustomer(c); err != nil {
				b.Fatal(err)
			}
		}
		for i := 0; i < len(services); i += 1000 {
			for _, err := range st.ImportServices(context.Background(), services[i:min(i+1000, len(services))]) {
				if err != nil {
					b.Fatal(err)
				}
			}
		}
		b.Logf("%d services with histories written in %v", benchServices, time.Since(start))
		benchStore = st
	})
	if benchStore == nil {
		b.Fatal("no database")
	}
	return benchStore
}

// BenchmarkListSummaries100k lists every service of a 100,000-service
// team database (the Services screen, expiring): target < 500 ms.
func BenchmarkListSummaries100k(b *testing.B) {
	st := bigStore(b)
	b.ResetTimer()
	for b.Loop() {
		sums, err := st.ListSummaries()
		if err != nil || len(sums) != benchServices {
			b.Fatalf("%d %v", len(sums), err)
		}
	}
}

// BenchmarkGetService100k looks one service up by name (a service's
// page), with its secret unsealed and its last report: target < 2 ms.
func BenchmarkGetService100k(b *testing.B) {
	st := bigStore(b)
	i := 0
	b.ResetTimer()
	for b.Loop() {
		if _, err := st.GetService(fmt.Sprintf("SVC-%05d", i*7919%benchServices)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRecordValidations records a batch of 32 reports (validate
// --all's write) in a 100,000-service database.
func BenchmarkRecordValidations(b *testing.B) {
	st := bigStore(b)
	now := time.Now()
	i := 0
	b.ResetTimer()
	for b.Loop() {
		var batch []usecase.Recorded
		for range 32 {
			i++
			batch = append(batch, usecase.Recorded{Name: fmt.Sprintf("svc-%05d", i*7919%benchServices), Report: storetest.Sample1Report(now.Add(time.Duration(i) * time.Second))})
		}
		for _, err := range st.RecordValidations(batch) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReadInventory100k reads the whole 100,000-service team
// database as a backup or a copy does.
func BenchmarkReadInventory100k(b *testing.B) {
	st := bigStore(b)
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if err := st.ReadInventory(context.Background(), usecase.InventoryVisitor{Service: func(usecase.SealedService) error { n++; return nil }}); err != nil || n != benchServices {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkBackup100k writes the 100,000-service team database into a
// new bbolt file (db backup).
func BenchmarkBackup100k(b *testing.B) {
	st := bigStore(b)
	b.ResetTimer()
	for b.Loop() {
		res, err := st.Backup(context.Background(), filepath.Join(b.TempDir(), "backup.db"))
		if err != nil || res.Services != benchServices {
			b.Fatal(res, err)
		}
	}
}
