package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"onboard/tenant"
	"onboard/tenant/entra/entratest"
	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
)

// bulkDirectory is a directory of n healthy tenants, one App registration
// each, and the credentials that go with them: every validation is a first
// validation of its tenant (no shared token or metadata).
func bulkDirectory(n int, now time.Time) (entrasim.Directory, []fixture) {
	d := entrasim.Directory{}
	fx := make([]fixture, n)
	for i := range n {
		f := fixture{
			tenantID: fmt.Sprintf("7e57%04x-0000-4000-8000-%012x", i, i),
			domain:   fmt.Sprintf("tenant%d.onmicrosoft.com", i),
			clientID: fmt.Sprintf("c11e%04x-0000-4000-8000-%012x", i, i),
			secret:   fmt.Sprintf("Bk%d~Bulk.Secret.Value.%08d", i%10, i),
			admin:    fmt.Sprintf("admin@tenant%d.onmicrosoft.com", i),
		}
		fx[i] = f
		d.Tenants = append(d.Tenants, entrasim.Tenant{
			ID: f.tenantID, DisplayName: fmt.Sprintf("Tenant %d", i),
			Domains: []entrasim.Domain{{Name: f.domain, IsInitial: true, IsDefault: true}},
			Apps: []entrasim.App{{
				AppID: f.clientID, ObjectID: newGUID(f.clientID, 1), ServicePrincipalID: newGUID(f.clientID, 2),
				DisplayName: "Direct Routing onboarding",
				Secrets: []entrasim.Secret{{
					Value: f.secret, KeyID: newGUID(f.clientID, 3),
					StartDateTime: now.Add(-24 * time.Hour), EndDateTime: now.Add(180 * 24 * time.Hour),
				}},
				Permissions: []string{"Organization.Read.All", "Application.Read.All", "User.Read.All"},
				Roles:       []string{entrasim.RoleTeamsAdministrator},
			}},
			Users: []entrasim.User{{ID: newGUID(f.tenantID, 4), UserPrincipalName: f.admin, DisplayName: "Admin", AccountEnabled: true}},
			// A Teams Phone licence to spare: ready for Direct Routing.
			SKUs: []entrasim.SKU{entrasim.SKUMicrosoft365E5(25, 10)},
		})
	}
	return d, fx
}

// seedBulk saves one service per fixture straight through the store (500
// CLI calls would measure process start-up, not validation).
func (w *world) seedBulk(t testing.TB, fx []fixture) {
	t.Helper()
	w.withStore(t, func(st usecase.Store) {
		for i, f := range fx {
			customer := fmt.Sprintf("Customer %03d", i/10)
			if i%10 == 0 {
				if _, err := st.CreateCustomer(customer); err != nil {
					t.Fatal(err)
				}
			}
			err := st.CreateService(tenant.Service{
				Name: fmt.Sprintf("SVC%04d", i), Customer: customer, License: tenant.LicenseEssentialsPlus, Users: 50,
				State: tenant.StateActive,
				App:   tenant.AppRegistration{TenantID: f.tenantID, ClientID: f.clientID, Secret: tenant.NewSecret(f.secret), AdminUser: f.admin},
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestValidateAllInterrupt sends ctrl+c (SIGINT) to a bulk validation in
// the middle of its work: it must stop starting validations, exit 130
// with a message, keep every report it had recorded, and leave a database
// that opens. validate --help says the same.
func TestValidateAllInterrupt(t *testing.T) {
	const n = 40
	d, fx := bulkDirectory(n, time.Now())
	w := newWorld(t, d)
	w.seedBulk(t, fx)
	w.srv.SetLatency(150 * time.Millisecond)

	cmd := exec.Command(binPath, "validate", "--all", "--concurrency", "2")
	cmd.Env = w.env()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// One token request per validation (every tenant is new). With two in
	// flight, the fifth request means at least three have finished.
	if !entratest.Eventually(90*time.Second, func() bool { return w.srv.Count(entrasim.KindToken) >= 5 }) {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("no progress:\n%s\n%s", stdout.String(), stderr.String())
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() || cmd.ProcessState.ExitCode() != 130 {
		t.Fatalf("want a clean exit 130 after ctrl+c, as shells expect, got %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	if !bytes.Contains(stderr.Bytes(), []byte("onboard: interrupted:")) {
		t.Errorf("stderr should say it was interrupted:\n%s", stderr.String())
	}
	if h := w.must(t, 0, "", "validate", "--help"); !strings.Contains(h.stdout, "exits 130") {
		t.Errorf("validate --help should say ctrl+c exits 130:\n%s", h.stdout)
	}
	if h := w.must(t, 0, "", "--help"); !strings.Contains(h.stdout, "130 interrupted by ctrl+c") {
		t.Errorf("--help's exit codes lack 130:\n%s", h.stdout)
	}
	if tokens := w.srv.Count(entrasim.KindToken); tokens >= n {
		t.Errorf("every validation started (%d token requests): ctrl+c did not stop the run", tokens)
	}

	recorded := 0
	w.withStore(t, func(st usecase.Store) {
		list, err := st.ListServices()
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list.Services {
			h, err := st.History(s.Name)
			if err != nil {
				t.Fatal(err)
			}
			if len(h) > 1 {
				t.Errorf("%s has %d reports", s.Name, len(h))
			}
			if len(h) == 1 {
				recorded++
				if h[0].Status != tenant.StatusPass || s.LastValidation == nil {
					t.Errorf("%s: a report cut short by ctrl+c was recorded: %+v", s.Name, h[0])
				}
			}
		}
	})
	if recorded < 2 || recorded >= n {
		t.Errorf("%d reports recorded; want the finished ones kept and the rest not run\n%s", recorded, stderr.String())
	}
	if !bytes.Contains(stderr.Bytes(), []byte(fmt.Sprintf("%d of %d validations recorded", recorded, n))) {
		t.Errorf("stderr should count the recorded reports (%d):\n%s", recorded, stderr.String())
	}
	// The table on stdout lists exactly the recorded ones.
	if rows := bytes.Count(stdout.Bytes(), []byte("\nSVC")); rows != recorded {
		t.Errorf("stdout lists %d services, %d recorded:\n%s", rows, recorded, stdout.String())
	}
}
