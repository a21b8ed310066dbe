package bolt

import (
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// db check names each service whose record and last validation part
// ways: a last validation that is missing, and facts a list shows that
// differ from the report they were taken from. Every report is still
// counted and read.
func TestCheckLastValidationOfEachService(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "onboard.db"), Options{Keys: benchKeys()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, i := range []int{1, 2, 3} {
		svc, r := realisticService(i)
		if _, err := s.CreateCustomer(svc.Customer); err != nil {
			t.Fatal(err)
		}
		svc.LastValidation = &r
		if err := s.CreateService(svc); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := s.Check(t.Context()); err != nil || !res.OK() || res.Services != 3 || res.Reports != 3 {
		t.Fatalf("check of a sound database: %+v %v", res, err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		// svc-000001: what lists show of it no longer matches its report.
		rec, err := s.getService(tx, benchName(1))
		if err != nil {
			return err
		}
		rec.Last.TenantName = "Fabrikam, Inc."
		if err := s.putService(tx, rec); err != nil {
			return err
		}
		// svc-000002: its last validation is gone from the history.
		rec, err = s.getService(tx, benchName(2))
		if err != nil {
			return err
		}
		return tx.Bucket(bucketHistory).Delete(historyKey(nameKey(rec.Name), rec.LastSeq))
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Check(t.Context())
	if err != nil || len(res.Problems) != 2 || res.Services != 3 || res.Reports != 2 {
		t.Fatalf("check: %+v %v", res, err)
	}
	want := map[string]string{
		"service " + benchName(1): "what lists show of it disagrees with its last validation",
		"service " + benchName(2): "is missing",
	}
	for _, p := range res.Problems {
		if w, ok := want[p.Record]; !ok || !strings.Contains(p.Err.Error(), w) {
			t.Errorf("problem %s; want one of %v", p, want)
		}
		delete(want, p.Record)
	}
}
