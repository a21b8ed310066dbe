package bolt

import (
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"onboard/tenant"
)

// Enough services for the lists to be decoded on several goroutines: the
// result is in name order whatever the scheduling, each listed service is
// what GetService returns, each summary what SummaryOf says of it.
func TestListManyServices(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	s, err := Open(filepath.Join(t.TempDir(), "onboard.db"), Options{Keys: benchKeys()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.db.NoSync = true // only the time it takes
	for _, c := range []string{"Customer 000", "Customer 001"} {
		if _, err := s.CreateCustomer(c); err != nil {
			t.Fatal(err)
		}
	}
	const n = 600 // two chunks of inParallel, so two goroutines
	for i := range n {
		j := (i * 7919) % n // in no name order
		svc, r := realisticService(j)
		svc.Customer = fmt.Sprintf("Customer %03d", j%2)
		switch j % 3 {
		case 0:
			svc.LastValidation = &r
		case 1:
		case 2:
			svc.State, svc.App = tenant.StatePendingAuth, tenant.AppRegistration{TenantID: svc.App.TenantID}
		}
		if err := s.CreateService(svc); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		l, err := s.ListServices()
		if err != nil || len(l.Services) != n || len(l.Unreadable) != 0 {
			t.Fatalf("%d services listed, %d unreadable, %v", len(l.Services), len(l.Unreadable), err)
		}
		sums, err := s.ListSummaries()
		if err != nil || len(sums) != n {
			t.Fatalf("%d summaries, %v", len(sums), err)
		}
		for i, svc := range l.Services {
			if want := benchName(i); svc.Name != want || sums[i].Name != want {
				t.Fatalf("listed %d: %s / %s, want %s", i, svc.Name, sums[i].Name, want)
			}
			if !reflect.DeepEqual(sums[i], tenant.SummaryOf(svc)) {
				t.Fatalf("summary %d:\n got  %+v\n want %+v", i, sums[i], tenant.SummaryOf(svc))
			}
		}
		for _, i := range []int{0, 1, 2, 511, 512, n - 1} {
			got, err := s.GetService(benchName(i))
			if err != nil || !reflect.DeepEqual(got, l.Services[i]) {
				t.Fatalf("GetService(%s) differs from the listed one: %v", benchName(i), err)
			}
		}
	}
}
