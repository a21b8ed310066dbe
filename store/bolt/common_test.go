package bolt_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"onboard/store/bolt"
	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// Helpers of the bbolt backend's own tests (the conformance suite has its
// own): a fixed key per byte, a store closed at the end of the test, and
// services and reports shaped like the validator's.

var day0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// ringOf is a keyring of one fixed key, 32 times b.
func ringOf(t testing.TB, b byte) *seal.Keyring {
	t.Helper()
	k, err := seal.NewKey(bytes.Repeat([]byte{b}, seal.KeySize), "test key")
	if err != nil {
		t.Fatal(err)
	}
	return seal.NewKeyring(k)
}

// mustOpen opens the database at path, closed when the test ends.
func mustOpen(t testing.TB, path string, keys *seal.Keyring) *bolt.Store {
	t.Helper()
	st, err := bolt.Open(path, bolt.Options{Keys: keys, Actor: usecase.Actor{Engineer: "alice", Host: "desk-1"}})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// secretFor is the fixture secret of a service.
func secretFor(name string) tenant.Secret {
	return tenant.NewSecret("Zq8~" + name + "-s3cr3t-VALUE-0123456789abcdef")
}

// passedReport is a passing report at, for the secret with hint.
func passedReport(at time.Time, trigger tenant.Trigger, hint string) tenant.ValidationReport {
	exp := at.AddDate(0, 0, 200)
	days := tenant.DaysUntil(at, exp)
	r := tenant.ValidationReport{At: at, Trigger: trigger, Elapsed: 812 * time.Millisecond, Cloud: "global",
		ClientID: "3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f", SecretHint: hint,
		TenantID: "0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d", TenantName: "Contoso Ltd",
		InitialDomain: "contoso.onmicrosoft.com", DefaultDomain: "contoso.com", AppName: "Hosted Direct Routing",
		SecretExpiresAt: &exp, DaysUntilExpire: &days,
		Roles: []string{"Teams Administrator"}, Permissions: []string{"Application.Read.All", "Organization.Read.All", "User.Read.All"},
		TraceID: "t-1", CorrelationID: "c-1"}
	r.Add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusPass, Detail: "Entra ID issued an app-only token: the secret works."})
	r.Add(tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusPass, Detail: "Teams Administrator is assigned to the app."})
	return r
}

// activeSvc is a service of customer validated at at, with its secret.
func activeSvc(t testing.TB, name, customer string, at time.Time) tenant.Service {
	t.Helper()
	secret := secretFor(name)
	r := passedReport(at, tenant.TriggerCreated, secret.Hint())
	svc := tenant.Service{Name: name, FullName: "Contoso Direct Routing", Customer: customer, License: tenant.LicensePro, Users: 250,
		State: tenant.StatePendingAuth,
		App:   tenant.AppRegistration{TenantID: "contoso.onmicrosoft.com", ClientID: r.ClientID, Secret: secret, AdminUser: "admin@contoso.com"}}
	if err := svc.Activate(&r); err != nil {
		t.Fatal(err)
	}
	return svc
}

// pendingSvc is a service saved pending authentication: no secret.
func pendingSvc(name, customer string) tenant.Service {
	return tenant.Service{Name: name, Customer: customer, License: tenant.LicenseEssentialsPlus, Users: 10, State: tenant.StatePendingAuth}
}

func mustCustomer(t testing.TB, st usecase.Store, name string) {
	t.Helper()
	if _, err := st.CreateCustomer(name); err != nil {
		t.Fatalf("create customer %s: %v", name, err)
	}
}

func mustService(t testing.TB, st usecase.Store, svc tenant.Service) {
	t.Helper()
	if err := st.CreateService(svc); err != nil {
		t.Fatalf("create service %s: %v", svc.Name, err)
	}
}

// wantKind fails unless err wraps kind and says every part.
func wantKind(t testing.TB, err, kind error, parts ...string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v: want errors.Is %v", err, kind)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not say %q", err, p)
		}
	}
}

// exists reports whether path exists (without following a last symlink).
func exists(t testing.TB, path string) bool {
	t.Helper()
	_, err := os.Lstat(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return err == nil
}
