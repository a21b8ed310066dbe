package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"onboard/store/bolt"
	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
)

// binPath is the onboard binary built once for every end-to-end test and
// benchmark: they run it as a user would, in its own process.
var binPath string

const testVersion = "v0.0.0-e2e"

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "onboard-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "onboard")
	build := exec.Command(goTool(), "build", "-ldflags", "-X main.buildVersion="+testVersion, "-o", binPath, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build onboard:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

// fixture is one App registration of the test directory, with what the
// engineer would type for it.
type fixture struct {
	tenantID string
	domain   string
	clientID string
	secret   string
	admin    string
}

// The test directory: one tenant per outcome the commands must handle.
var (
	fxHealthy = fixture{"3f2c7a1e-8b4d-4c6e-9a0f-1b2c3d4e5f60", "contoso.onmicrosoft.com",
		"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "Hk7~Qe3.SecretCanaryContoso_9x2Lw0Zp", "admin@contoso.onmicrosoft.com"}
	fxExpiring = fixture{"4a3b2c1d-9e8f-4a7b-8c6d-5e4f3a2b1c0d", "fabrikam.onmicrosoft.com",
		"1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e", "Fb2~Zt8.SecretCanaryFabrikam_4Kq7Pm1", ""}
	fxNoExpiry = fixture{"5b4c3d2e-0f9a-4b8c-9d7e-6f5a4b3c2d1e", "northwind.onmicrosoft.com",
		"2c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f", "Nw5~Xr1.SecretCanaryNorthwind_8Jd3Vb6", ""}
)

// testDirectory is the simulated Entra ID for the end-to-end tests.
// Expiry dates sit in the middle of a day so that whole-day counts do not
// depend on when the test runs.
func testDirectory(now time.Time) entrasim.Directory {
	allPerms := []string{"Organization.Read.All", "Application.Read.All", "User.Read.All"}
	mk := func(f fixture, name string, perms []string, expiresIn time.Duration) entrasim.Tenant {
		return entrasim.Tenant{
			ID: f.tenantID, DisplayName: name,
			Domains: []entrasim.Domain{{Name: f.domain, IsInitial: true, IsDefault: true}},
			Apps: []entrasim.App{{
				AppID: f.clientID, ObjectID: newGUID(f.clientID, 1), ServicePrincipalID: newGUID(f.clientID, 2),
				DisplayName: "Direct Routing onboarding",
				Secrets: []entrasim.Secret{{
					Value: f.secret, KeyID: newGUID(f.clientID, 3), DisplayName: "onboard",
					StartDateTime: now.Add(-24 * time.Hour), EndDateTime: now.Add(expiresIn),
				}},
				Permissions: perms,
				Roles:       []string{entrasim.RoleTeamsAdministrator},
			}},
			Users: []entrasim.User{{ID: newGUID(f.tenantID, 4), UserPrincipalName: "admin@" + f.domain, DisplayName: "Admin", AccountEnabled: true}},
			// A Teams Phone licence to spare: ready for Direct Routing.
			SKUs: []entrasim.SKU{entrasim.SKUMicrosoft365E5(25, 10)},
		}
	}
	day := 24 * time.Hour
	return entrasim.Directory{Tenants: []entrasim.Tenant{
		mk(fxHealthy, "Contoso", allPerms, 200*day+12*time.Hour),
		mk(fxExpiring, "Fabrikam", allPerms, 10*day+12*time.Hour),
		mk(fxNoExpiry, "Northwind", []string{"Organization.Read.All", "User.Read.All"}, 300*day+12*time.Hour),
	}}
}

// newGUID derives a distinct, valid GUID from another one.
func newGUID(base string, n int) string {
	return fmt.Sprintf("%s%04x", base[:32], n)
}

// world is one end-to-end setting: a simulated directory on loopback, a
// database in a temporary directory and the environment the binary runs in.
type world struct {
	dir  string
	db   string
	key  []byte
	cert string
	srv  *entrasim.Server
}

func newWorld(t testing.TB, d entrasim.Directory) *world {
	t.Helper()
	srv, err := entrasim.Start(d)
	if err != nil {
		t.Fatalf("start entrasim: %v", err)
	}
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	cert := filepath.Join(dir, "entrasim.pem")
	if err := os.WriteFile(cert, srv.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	key := bytes.Repeat([]byte{0x5a}, 32)
	return &world{dir: dir, db: filepath.Join(dir, "data", "onboard.db"), key: key, cert: cert, srv: srv}
}

// env is the child's whole environment: nothing of the developer's own
// (no real database, key or proxy) leaks into a test.
func (w *world) env() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + filepath.Join(w.dir, "home"),
		"XDG_DATA_HOME=" + filepath.Join(w.dir, "xdg"),
		"TERM=dumb",
		"ONBOARD_KEY=" + base64.StdEncoding.EncodeToString(w.key),
		"SSL_CERT_FILE=" + w.cert,
		"ONBOARD_DB=" + w.db,
		"ONBOARD_AUTHORITY_HOST=" + w.srv.AuthorityHost(),
		"ONBOARD_GRAPH_URL=" + w.srv.GraphURL(),
	}
}

// result is what one run of the binary left behind.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs onboard with args, stdin and extra environment entries (which
// override the world's).
func (w *world) run(t testing.TB, stdin string, extraEnv []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = append(w.env(), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run onboard %v: %v", args, err)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Fatalf("onboard %v killed by %v\n%s", args, ws.Signal(), res)
	}
	return res
}

// must runs onboard and fails the test unless it exits with want.
func (w *world) must(t testing.TB, want int, stdin string, args ...string) result {
	t.Helper()
	r := w.run(t, stdin, nil, args...)
	if r.code != want {
		t.Fatalf("onboard %s: want exit %d, got\n%s", strings.Join(args, " "), want, r)
	}
	return r
}

// withStore opens the world's database in the test process (the binary
// must not be running).
func (w *world) withStore(t testing.TB, fn func(usecase.Store)) {
	t.Helper()
	key, err := seal.NewKey(w.key, "the test's key")
	if err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(w.db, bolt.Options{Keys: seal.NewKeyring(key)})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	defer st.Close()
	fn(st)
}

// seedService saves a service straight into the store, bypassing
// validation: the way to get credentials that no longer work into it.
func (w *world) seedService(t testing.TB, customer, name string, f fixture, secret string) {
	t.Helper()
	w.withStore(t, func(st usecase.Store) {
		if _, err := st.GetCustomer(customer); errors.Is(err, usecase.ErrNotFound) {
			if _, err := st.CreateCustomer(customer); err != nil {
				t.Fatal(err)
			}
		}
		err := st.CreateService(tenant.Service{
			Name: name, Customer: customer, License: tenant.LicensePro, Users: 10,
			State: tenant.StateActive,
			App:   tenant.AppRegistration{TenantID: f.tenantID, ClientID: f.clientID, Secret: tenant.NewSecret(secret), AdminUser: f.admin},
		})
		if err != nil {
			t.Fatalf("seed service %s: %v", name, err)
		}
	})
}

// networkCalls is every request the simulated directory has received.
func (w *world) networkCalls() int {
	n := 0
	for _, c := range w.srv.Counts() {
		n += c
	}
	return n
}

func (w *world) dbBytes(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(w.db)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// addArgs are the `services add` arguments for a fixture.
func addArgs(customer, name string, f fixture, extra ...string) []string {
	args := []string{"services", "add", "--customer", customer, "--name", name,
		"--license", "pro", "--users", "25", "--tenant-id", f.domain, "--client-id", f.clientID,
		"--client-secret-stdin"}
	if f.admin != "" {
		args = append(args, "--admin", f.admin)
	}
	return append(args, extra...)
}
