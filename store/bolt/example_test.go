package bolt_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"onboard/store/bolt"
	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// The life of a service: the key found (or its file created) and the
// database opened with it; the service saved once validated, looked up by
// name in any case, re-validated later; its history lists the newest
// report first, and the audit trail says who did what.
func Example() {
	dir, _ := os.MkdirTemp("", "onboard-example-")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "onboard.db")

	// ONBOARD_KEY, else ONBOARD_KEY_FILE, else onboard.key beside the
	// database, created 0600 on first use.
	key, err := seal.Load(seal.Source{DefaultFile: filepath.Join(dir, seal.KeyFileName), Getenv: func(string) string { return "" }})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	st, err := bolt.Open(path, bolt.Options{
		Keys:           seal.NewKeyring(key.Key),
		CreatedKeyFile: key.Created, // removed again if the database needs another key
		Actor:          usecase.Actor{Engineer: "alice", Host: "desk-1"},
		Now:            func() time.Time { return now },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()

	if _, err := st.CreateCustomer("Contoso"); err != nil {
		fmt.Println(err)
		return
	}
	svc, _, err := tenant.ServiceInput{
		Customer: "contoso", Name: "Contoso-DR", License: "pro", Users: "25",
		UseKnownApp: true, TenantID: "contoso.onmicrosoft.com",
		ClientID: "3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f", Secret: "Zq8~not-a-real-secret",
	}.Parse(now)
	if err != nil {
		fmt.Println(err)
		return
	}
	first := tenant.ValidationReport{At: now, Trigger: tenant.TriggerCreated,
		TenantID: "0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d", InitialDomain: "contoso.onmicrosoft.com"}
	first.Add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusPass, Detail: "Entra ID issued an app-only token: the secret works."})
	if err := svc.Activate(&first); err != nil { // only a passing report saves a service
		fmt.Println(err)
		return
	}
	if err := st.CreateService(svc); err != nil {
		fmt.Println(err)
		return
	}

	// Short names are unique ignoring case; the error is a broken rule.
	svc.Name = "CONTOSO-dr"
	err = st.CreateService(svc)
	fmt.Println(err, errors.Is(err, usecase.ErrExists), tenant.IsRuleError(err))

	// Re-validating records reports in one transaction, with one result
	// per entry: a service deleted meanwhile is skipped and named.
	later := tenant.ValidationReport{At: now.Add(24 * time.Hour), Trigger: tenant.TriggerValidateAll}
	later.Add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusPass, Detail: "Entra ID issued an app-only token: the secret works."})
	later.Add(tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusWarn, Detail: "The app has no Teams Administrator role."})
	errs := st.RecordValidations([]usecase.Recorded{{Name: "contoso-dr", Report: later}, {Name: "gone-1", Report: later}})
	fmt.Println(errs[0], errs[1])

	got, err := st.GetService("CONTOSO-DR")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got.Name, got.Customer, got.State, got.App.TenantID, got.App.Secret, got.LastValidation.Status)
	history, _ := st.History("contoso-dr")
	for _, r := range history {
		fmt.Println(r.At.Format("2006-01-02"), r.Trigger, r.Status)
	}
	// Lists read the summaries: no report decoded, no secret unsealed.
	sums, _ := st.ListSummaries()
	for _, s := range sums {
		fmt.Println(s.Name, s.HasSecret, s.SecretHint, s.LastStatus)
	}
	audit, _ := st.Audit(usecase.AuditFilter{Service: "contoso-dr"})
	for _, e := range audit {
		fmt.Println(e.Engineer, e.Action, e.Service)
	}
	// Output:
	// a service named "Contoso-DR" already exists (short names are unique, ignoring case) true true
	// <nil> record the validation of gone-1: there is no service named "gone-1"
	// Contoso-DR Contoso active 0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d Zq8**** warn
	// 2026-03-15 validate all warn
	// 2026-03-14 created pass
	// Contoso-DR true Zq8**** warn
	// alice validated Contoso-DR
	// alice service added Contoso-DR
}
