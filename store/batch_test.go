package store

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"onboard/tenant"
)

// A batch has, entry by entry, the effect of RecordValidation: the same
// stored service (but for UpdatedAt) and the same history.
func TestRecordValidationsLikeRecordValidation(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	for _, name := range []string{"one-by-one", "batched"} {
		svc := pendingService(name, "Contoso")
		svc.App = tenant.AppRegistration{TenantID: "contoso.onmicrosoft.com",
			ClientID: "3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f", Secret: tenant.NewSecret("abcdefgh-secret")}
		mustService(t, s, svc)
	}
	failed := sampleReport(t0, tenant.StatusFail)
	failed.TenantID = ""
	reports := []tenant.ValidationReport{failed, sampleReport(t0.Add(time.Hour), tenant.StatusPass)}

	var batch []Recorded
	for _, r := range reports {
		if err := s.RecordValidation("one-by-one", r); err != nil {
			t.Fatal(err)
		}
		batch = append(batch, Recorded{Name: "BATCHED", Report: r})
	}
	if err := s.RecordValidations(batch); err != nil {
		t.Fatal(err)
	}

	want, err := s.GetService("one-by-one")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetService("batched")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != tenant.StateActive || got.App.TenantID != reports[1].TenantID || got.M365Domain != failed.InitialDomain {
		t.Fatalf("the batch did not apply its reports: %+v", got)
	}
	if !got.UpdatedAt.After(got.CreatedAt) {
		t.Fatalf("UpdatedAt not advanced: %v / %v", got.CreatedAt, got.UpdatedAt)
	}
	if got.App.Secret.Reveal() != "abcdefgh-secret" {
		t.Fatal("RecordValidations lost the secret")
	}
	want.Name, want.CreatedAt, want.UpdatedAt = got.Name, got.CreatedAt, got.UpdatedAt
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("batched service differs from one recorded one by one:\n got %+v\nwant %+v", got, want)
	}
	wantH, _ := s.History("one-by-one")
	gotH, err := s.History("batched")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotH, wantH) || len(gotH) != 2 {
		t.Fatalf("batched history (%d entries) differs from one recorded one by one (%d)", len(gotH), len(wantH))
	}
}

// History stays newest first across a batch that holds several reports of
// one service between reports of others, on top of an existing history.
func TestRecordValidationsHistoryOrder(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustService(t, s, pendingService("con-1", "Contoso"))
	mustService(t, s, pendingService("con-2", "Contoso"))
	report := func(i int) tenant.ValidationReport {
		r := sampleReport(t0.Add(time.Duration(i)*time.Minute), tenant.StatusPass)
		r.TraceID = fmt.Sprint("trace-", i)
		return r
	}
	want := map[string][]string{}
	for i := range 3 {
		if err := s.RecordValidation("con-1", report(i)); err != nil {
			t.Fatal(err)
		}
		want["con-1"] = append(want["con-1"], report(i).TraceID)
	}
	var batch []Recorded
	for i := 3; i < 12; i++ {
		name := []string{"con-1", "con-2", "Con-1"}[i%3]
		batch = append(batch, Recorded{Name: name, Report: report(i)})
		key := strings.ToLower(name)
		want[key] = append(want[key], report(i).TraceID)
	}
	if err := s.RecordValidations(batch); err != nil {
		t.Fatal(err)
	}
	for name, traces := range want {
		slices.Reverse(traces)
		h, err := s.History(name)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range h {
			got = append(got, r.TraceID)
		}
		if !slices.Equal(got, traces) {
			t.Errorf("History(%s) = %v, want newest first %v", name, got, traces)
		}
	}
}

// A service deleted between listing and recording is skipped and named in
// the error; the other entries are recorded.
func TestRecordValidationsSkipsMissingService(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	for _, name := range []string{"con-1", "con-2", "con-3"} {
		mustService(t, s, pendingService(name, "Contoso"))
	}
	if err := s.DeleteService("con-2"); err != nil {
		t.Fatal(err)
	}
	// A damaged record is skipped as well, and named.
	mustService(t, s, pendingService("broken", "Contoso"))
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketServices).Put(nameKey("broken"), []byte{formatPacked1, 0xff})
	})
	if err != nil {
		t.Fatal(err)
	}
	batch := []Recorded{
		{Name: "con-1", Report: sampleReport(t0, tenant.StatusPass)},
		{Name: "con-2", Report: sampleReport(t0, tenant.StatusPass)},
		{Name: "broken", Report: sampleReport(t0, tenant.StatusPass)},
		{Name: "con-3", Report: sampleReport(t0, tenant.StatusFail)},
		{Name: "gone", Report: sampleReport(t0, tenant.StatusPass)},
	}
	err = s.RecordValidations(batch)
	wantKind(t, err, ErrNotFound, `"con-2"`, `"gone"`, "of broken: read service: the stored value is damaged")
	if strings.Contains(err.Error(), "con-1") || strings.Contains(err.Error(), "con-3") {
		t.Errorf("error names services that were recorded: %v", err)
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 3 {
		t.Fatalf("want one error per skipped entry, got %v", err)
	}
	for name, status := range map[string]tenant.Status{"con-1": tenant.StatusPass, "con-3": tenant.StatusFail} {
		svc, err := s.GetService(name)
		if err != nil {
			t.Fatal(err)
		}
		if svc.LastValidation == nil || svc.LastValidation.Status != status {
			t.Errorf("%s: report not recorded next to the missing service: %+v", name, svc.LastValidation)
		}
	}
	if _, err := s.GetService("con-2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the skipped entry created a service: %v", err)
	}
	if err := s.RecordValidations(nil); err != nil {
		t.Fatalf("empty batch: %v", err)
	}
}

// BenchmarkRecordValidations: re-validating 50 services records 50 reports;
// one by one each pays a commit and its fsync, a batch pays one.
func BenchmarkRecordValidations(b *testing.B) {
	const services = 50
	s, err := Open(b.TempDir()+"/onboard.db", Options{Key: make([]byte, KeySize)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := s.CreateCustomer("Contoso"); err != nil {
		b.Fatal(err)
	}
	batch := make([]Recorded, services)
	for i := range batch {
		svc := realisticService(i)
		svc.Customer = "Contoso"
		if err := s.CreateService(svc); err != nil {
			b.Fatal(err)
		}
		batch[i] = Recorded{Name: svc.Name, Report: *svc.LastValidation}
	}
	b.Run("one-by-one", func(b *testing.B) {
		for b.Loop() {
			for _, e := range batch {
				if err := s.RecordValidation(e.Name, e.Report); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			if err := s.RecordValidations(batch); err != nil {
				b.Fatal(err)
			}
		}
	})
}
