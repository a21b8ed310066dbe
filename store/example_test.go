package store_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"onboard/store"
	"onboard/tenant"
)

// The life of a service: saved once validated, looked up by name in any
// case, re-validated later; its history lists the newest report first.
func Example() {
	dir, _ := os.MkdirTemp("", "onboard-example-")
	defer os.RemoveAll(dir)
	key := make([]byte, store.KeySize) // in use: ONBOARD_KEY or the key file beside the database
	st, err := store.Open(filepath.Join(dir, "onboard.db"), store.Options{Key: key})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()

	if _, err := st.CreateCustomer("Contoso"); err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	svc, _, err := tenant.ServiceInput{
		Customer: "contoso", Name: "Contoso-DR", License: "pro", Users: "25",
		UseKnownApp: true, TenantID: "contoso.onmicrosoft.com",
		ClientID: "3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f", Secret: "Zq8~not-a-real-secret",
	}.Parse(now)
	if err != nil {
		fmt.Println(err)
		return
	}
	first := tenant.ValidationReport{Status: tenant.StatusPass, At: now,
		TenantID: "0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d", InitialDomain: "contoso.onmicrosoft.com"}
	svc.Apply(&first)
	if err := st.CreateService(svc); err != nil {
		fmt.Println(err)
		return
	}

	// Short names are unique ignoring case; the error is a broken rule.
	err = st.CreateService(svc)
	fmt.Println(err, errors.Is(err, store.ErrExists), tenant.IsRuleError(err))

	later := tenant.ValidationReport{Status: tenant.StatusWarn, At: now.Add(24 * time.Hour)}
	if err := st.RecordValidation("contoso-dr", later); err != nil {
		fmt.Println(err)
		return
	}
	got, _ := st.GetService("CONTOSO-DR")
	fmt.Println(got.Name, got.Customer, got.State, got.App.TenantID, got.App.Secret)
	history, _ := st.History("contoso-dr")
	for _, r := range history {
		fmt.Println(r.At.Format("2006-01-02"), r.Status)
	}
	// Output:
	// a service named "Contoso-DR" already exists (short names are unique, ignoring case) true true
	// Contoso-DR Contoso active 0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d Zq8****
	// 2026-03-15 warn
	// 2026-03-14 pass
}

// Bulk re-validation records its reports in one transaction. A service
// deleted while the validations ran is skipped and named; the others are
// recorded.
func ExampleStore_RecordValidations() {
	dir, _ := os.MkdirTemp("", "onboard-example-")
	defer os.RemoveAll(dir)
	st, err := store.Open(filepath.Join(dir, "onboard.db"), store.Options{Key: make([]byte, store.KeySize)})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	st.CreateCustomer("Contoso")
	for _, name := range []string{"con-1", "con-2"} {
		svc := tenant.Service{Name: name, Customer: "Contoso", License: tenant.LicensePro, Users: 5, State: tenant.StatePendingAuth}
		if err := st.CreateService(svc); err != nil {
			fmt.Println(err)
			return
		}
	}
	now := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	batch := []store.Recorded{
		{Name: "con-1", Report: tenant.ValidationReport{Status: tenant.StatusPass, At: now}},
		{Name: "con-9", Report: tenant.ValidationReport{Status: tenant.StatusPass, At: now}},
		{Name: "con-2", Report: tenant.ValidationReport{Status: tenant.StatusFail, At: now}},
	}
	err = st.RecordValidations(batch)
	fmt.Println(err, errors.Is(err, store.ErrNotFound))
	for _, name := range []string{"con-1", "con-2"} {
		svc, _ := st.GetService(name)
		fmt.Println(svc.Name, svc.State, svc.LastValidation.Status)
	}
	// Output:
	// record the validation of con-9: no service named "con-9" true
	// con-1 active pass
	// con-2 pending-authentication fail
}
