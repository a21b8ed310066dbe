package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/tenant"
	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
)

// TestAddRefusesAnotherCustomersTenant: the tenant is already Contoso's;
// adding it for Fabrikam prints the warning on stderr and needs
// --allow-shared-tenant (without: exit 2, nothing saved, no network call,
// the secret not even read).
func TestAddRefusesAnotherCustomersTenant(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")
	w.must(t, 0, fxHealthy.secret+"\n", addArgs("Contoso Ltd", "CONTOSO01", fxHealthy)...)
	w.must(t, 0, "", "customers", "add", "Fabrikam")
	w.srv.ResetCounts()
	args := addArgs("Fabrikam", "FAB01", fxHealthy)
	for i := range args {
		if args[i] == "--tenant-id" {
			args[i+1] = fxHealthy.tenantID // by GUID this time (the first was by domain)
		}
	}
	r := w.must(t, 2, fxHealthy.secret+"\n", args...)
	for _, want := range []string{"onboard: warning: Tenant " + fxHealthy.tenantID + " is already used by service CONTOSO01 of another customer, Contoso Ltd",
		"add --allow-shared-tenant to go on"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if n := w.networkCalls(); n != 0 {
		t.Errorf("%d requests made before the refusal", n)
	}
	w.must(t, 2, "", "services", "show", "FAB01") // not saved: an unknown name
	r = w.must(t, 0, fxHealthy.secret+"\n", append(args, "--allow-shared-tenant")...)
	if !strings.Contains(r.stderr, "warning: Tenant") {
		t.Errorf("the warning is said even when allowed:\n%s", r.stderr)
	}
}

// TestAddParksWithKeepOnFailure: a failure on the customer's side
// (Conditional Access) with --keep-on-failure saves the service pending
// authentication with its credentials (exit 1, the report on stderr); a
// wrong secret is never kept.
func TestAddParksWithKeepOnFailure(t *testing.T) {
	d := testDirectory(time.Now())
	d.Tenants[1].Block = entrasim.BlockConditionalAccess // Fabrikam
	w := newWorld(t, d)
	w.must(t, 0, "", "customers", "add", "Fabrikam")
	r := w.must(t, 1, fxExpiring.secret+"\n", addArgs("Fabrikam", "FAB01", fxExpiring, "--keep-on-failure")...)
	if !strings.Contains(r.stderr, "AADSTS53003") || !strings.Contains(r.stderr, "saved pending authentication with its credentials") {
		t.Errorf("parked add:\n%s", r)
	}
	w.withStore(t, func(st usecase.Store) {
		s, err := st.GetService("FAB01")
		if err != nil || s.State != tenant.StatePendingAuth || s.App.Secret.Reveal() != fxExpiring.secret || s.LastValidation == nil {
			t.Errorf("parked service: %+v %v", s.State, err)
		}
	})
	// Once the tenant is fixed, validate --all makes it active.
	w.srv.Update(func(d *entrasim.Directory) { d.Tenants[1].Block = entrasim.BlockNone })
	w.must(t, 0, "", "validate", "--all")
	w.withStore(t, func(st usecase.Store) {
		if s, _ := st.GetService("FAB01"); s.State != tenant.StateActive {
			t.Errorf("after a passing validation the parked service is %s", s.State)
		}
	})
	// A wrong secret is the engineer's to fix: never parked.
	r = w.must(t, 1, "Wr0~Not.The.Secret.At.All\n", addArgs("Fabrikam", "FAB02", fxExpiring, "--keep-on-failure")...)
	if !strings.Contains(r.stderr, "--keep-on-failure keeps only") {
		t.Errorf("wrong secret with --keep-on-failure:\n%s", r)
	}
	w.must(t, 2, "", "services", "show", "FAB02")
}

// TestServicesReport writes the hand-over report as Markdown and HTML,
// never with the secret.
func TestServicesReport(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")
	w.must(t, 0, fxHealthy.secret+"\n", addArgs("Contoso Ltd", "CONTOSO01", fxHealthy)...)
	r := w.must(t, 0, "", "services", "report", "contoso01")
	for _, want := range []string{"# Direct Routing service CONTOSO01", "| Customer | Contoso Ltd |", "## Last validation: ✓ passed", "### Credentials", "Hk7\\*\\*\\*\\*"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("markdown lacks %q:\n%s", want, r.stdout)
		}
	}
	out := filepath.Join(w.dir, "r.html")
	w.must(t, 0, "", "services", "report", "CONTOSO01", "--format", "html", "--output", out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "<!doctype html>") || !strings.Contains(string(b), "Contoso Ltd") {
		t.Errorf("html report: %.200s", b)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Errorf("report file mode %v", fi.Mode().Perm())
	}
	for _, text := range []string{r.stdout, string(b)} {
		if strings.Contains(text, fxHealthy.secret[3:]) {
			t.Fatal("the secret is in a report")
		}
	}
	w.must(t, 2, "", "services", "report", "CONTOSO01", "--format", "pdf")
}
