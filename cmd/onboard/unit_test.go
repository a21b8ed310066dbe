package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"onboard/store"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

func TestProgressLine(t *testing.T) {
	for _, c := range []struct {
		done, total int
		elapsed     time.Duration
		want        string
	}{
		{0, 500, 0, "validated 0/500"},
		{100, 500, 10 * time.Second, "validated 100/500 · 10.0/s · ETA 40s"},
		{500, 500, 5 * time.Second, "validated 500/500 · 100.0/s · ETA 0s"},
	} {
		if got := progressLine(c.done, c.total, c.elapsed); got != c.want {
			t.Errorf("progressLine(%d, %d, %v) = %q, want %q", c.done, c.total, c.elapsed, got, c.want)
		}
	}
}

func TestProgressIsSilentWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, 3, time.Now)
	p.step(1)
	p.step(1)
	p.step(1)
	p.finish()
	if buf.Len() != 0 {
		t.Errorf("progress written to a non-terminal: %q", buf.String())
	}
}

func TestAccessible(t *testing.T) {
	for env, want := range map[string]bool{
		"":                         false,
		"ACCESSIBLE=1":             true,
		"ACCESSIBLE=0":             false,
		"TERM=dumb":                true,
		"TERM=xterm-256color":      false,
		"ACCESSIBLE=1 TERM=xterm":  true,
		"ACCESSIBLE=false TERM=vt": false,
	} {
		vars := map[string]string{}
		for _, kv := range strings.Fields(env) {
			k, v, _ := strings.Cut(kv, "=")
			vars[k] = v
		}
		if got := accessible(func(k string) string { return vars[k] }); got != want {
			t.Errorf("accessible(%q) = %v, want %v", env, got, want)
		}
	}
}

// TestEndpointOverrides runs the global flag rules in-process: any https
// endpoint is accepted, anything else is exit 2 before the database is
// touched.
func TestEndpointOverrides(t *testing.T) {
	t.Setenv("ONBOARD_KEY", base64.StdEncoding.EncodeToString(make([]byte, 32)))
	for u, ok := range map[string]bool{
		"https://login.microsoftonline.us":    true,
		"https://127.0.0.1:8443":              true,
		"https://proxy.example.com/":          true,
		"http://login.microsoftonline.com":    false,
		"login.microsoftonline.com":           false,
		"https://":                            false,
		"ftp://x":                             false,
		"https://login.example.com/?tenant=x": false,
		"https://login.example.com/tenant":    false,
	} {
		db := filepath.Join(t.TempDir(), "onboard.db")
		var out, errb bytes.Buffer
		code := run([]string{"onboard", "--db", db, "--authority-host", u, "services", "list"}, strings.NewReader(""), &out, &errb)
		switch {
		case ok && code != 0:
			t.Errorf("%q refused (%d): %s", u, code, errb.String())
		case !ok && (code != 2 || !strings.Contains(errb.String(), "--authority-host (ONBOARD_AUTHORITY_HOST)")):
			t.Errorf("%q: want exit 2 naming the flag, got %d %q", u, code, errb.String())
		case !ok && fileExists(db):
			t.Errorf("%q: the database was created before the flags were checked", u)
		}
	}
}

// TestServiceViewJSON pins SPEC §5's field names and shows the secret
// appears only as its hint, and daysUntilExpire is counted from now.
func TestServiceViewJSON(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	exp := now.Add(45*24*time.Hour + time.Hour)
	stale := 90
	s := tenant.Service{
		Name: "CONTOSO01", Customer: "Contoso", License: tenant.LicensePro, Users: 5, State: tenant.StateActive,
		App: tenant.AppRegistration{TenantID: "t", ClientID: "c", Secret: tenant.NewSecret("abcSecretValue123"), AdminUser: "a@b.com"},
		LastValidation: &tenant.ValidationReport{
			Status: tenant.StatusWarn, At: now, SecretExpiresAt: &exp, DaysUntilExpire: &stale,
			Checks: []tenant.Check{{Name: "Token", Status: tenant.StatusPass, Detail: "ok"}},
		},
	}
	b, err := json.Marshal(viewOf(s, now))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("SecretValue")) {
		t.Fatalf("secret in JSON: %s", b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	keys := []string{"name", "customer", "fullName", "license", "users", "tenantId", "clientId", "secretHint", "adminUser", "m365Domain", "createdAt", "lastValidation", "state"}
	if len(m) != len(keys) {
		t.Errorf("JSON has %d fields, want %d: %s", len(m), len(keys), b)
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	lv := m["lastValidation"].(map[string]any)
	lvKeys := []string{"status", "at", "tenantName", "secretExpiresAt", "daysUntilExpire", "roles", "permissions", "checks", "aadsts", "correlationId"}
	if len(lv) != len(lvKeys) {
		t.Errorf("lastValidation has %d fields, want SPEC's %d: %v", len(lv), len(lvKeys), lv)
	}
	for _, k := range lvKeys {
		if _, ok := lv[k]; !ok {
			t.Errorf("lastValidation lacks %q", k)
		}
	}
	checkKeys := lv["checks"].([]any)[0].(map[string]any)
	if len(checkKeys) != 4 || checkKeys["name"] == nil || checkKeys["status"] == nil || checkKeys["detail"] == nil || checkKeys["fix"] == nil {
		t.Errorf("a check's JSON should be exactly name, status, detail, fix: %v", checkKeys)
	}
	if m["secretHint"] != "abc****" || lv["daysUntilExpire"] != 45.0 {
		t.Errorf("secretHint %v, daysUntilExpire %v (want abc****, 45 recomputed)", m["secretHint"], lv["daysUntilExpire"])
	}
	if lv["roles"] == nil || lv["permissions"] == nil {
		t.Errorf("roles and permissions should be [] not null: %s", b)
	}
	s.LastValidation.SecretExpiresAt = nil
	b, _ = json.Marshal(viewOf(s, now))
	if !bytes.Contains(b, []byte(`"daysUntilExpire":null`)) {
		t.Errorf("unknown expiry should be null: %s", b)
	}
}

// TestRunInProcess calls run as main does: version and usage exit codes
// without a child process.
func TestRunInProcess(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"onboard", "--version"}, strings.NewReader(""), &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "onboard ") {
		t.Errorf("--version: %d %q %q", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"onboard", "validate", "--bogus"}, strings.NewReader(""), &out, &errb); code != 2 || !strings.HasPrefix(errb.String(), "onboard: unknown flag: --bogus") {
		t.Errorf("bad flag: %d %q", code, errb.String())
	}
}

func TestSummary(t *testing.T) {
	fail := &tenant.ValidationReport{Status: tenant.StatusFail, AADSTS: "AADSTS7000215", Checks: []tenant.Check{
		{Name: "Token", Status: tenant.StatusFail, Detail: "Entra ID rejected the client secret. Often the ID was copied."},
	}}
	warn := &tenant.ValidationReport{Status: tenant.StatusWarn, Checks: []tenant.Check{
		{Name: "Token", Status: tenant.StatusPass, Detail: "ok"},
		{Name: "Secret expiry", Status: tenant.StatusWarn, Detail: "The client secret expires in 9 days."},
		{Name: "Entra role", Status: tenant.StatusWarn, Detail: "No Teams Administrator role."},
	}}
	for _, c := range []struct {
		r    *tenant.ValidationReport
		want string
	}{
		{&tenant.ValidationReport{Status: tenant.StatusPass}, "credentials work"},
		{fail, "Entra ID rejected the client secret. (AADSTS7000215)"},
		{warn, "The client secret expires in 9 days. (+1 more)"},
		{nil, ""},
	} {
		if got := summary(c.r); got != c.want {
			t.Errorf("summary = %q, want %q", got, c.want)
		}
	}
}

// TestRecordBatch: a batch is recorded in one call; a service deleted
// since it was listed is skipped and named, the others are recorded and
// folded into their services.
func TestRecordBatch(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "onboard.db"), store.Options{Key: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.CreateCustomer("Contoso Ltd"); err != nil {
		t.Fatal(err)
	}
	var batch []usecase.Validated
	for _, name := range []string{"ALPHA", "BRAVO", "CHARLIE"} {
		svc := tenant.Service{
			Name: name, Customer: "Contoso Ltd", License: tenant.LicensePro, Users: 5, State: tenant.StateActive,
			App: tenant.AppRegistration{TenantID: fxHealthy.tenantID, ClientID: fxHealthy.clientID, Secret: tenant.NewSecret(fxHealthy.secret)},
		}
		if err := st.CreateService(svc); err != nil {
			t.Fatal(err)
		}
		rep := &tenant.ValidationReport{At: time.Now(), TenantID: fxHealthy.tenantID, Roles: []string{}, Permissions: []string{}}
		rep.Add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusPass, Detail: "ok"})
		batch = append(batch, usecase.Validated{Service: svc, Report: rep})
	}
	if err := st.DeleteService("BRAVO"); err != nil {
		t.Fatal(err)
	}

	recorded, errs := recordBatch(st, batch)
	var names []string
	for _, r := range recorded {
		names = append(names, r.Service.Name)
		if r.Service.LastValidation != r.Report {
			t.Errorf("%s: the report was not folded into the service", r.Service.Name)
		}
	}
	if strings.Join(names, ",") != "ALPHA,CHARLIE" {
		t.Errorf("recorded %v, want ALPHA and CHARLIE", names)
	}
	if len(errs) != 1 || !errors.Is(errs[0], store.ErrNotFound) || !strings.Contains(errs[0].Error(), "BRAVO") {
		t.Errorf("errors %v, want one naming BRAVO as not found", errs)
	}
	for _, name := range []string{"ALPHA", "CHARLIE"} {
		if h, err := st.History(name); err != nil || len(h) != 1 {
			t.Errorf("%s history: %d reports, %v", name, len(h), err)
		}
	}
}

// TestEveryCommandHasAnExample walks the whole command tree, cobra's own
// completion and help commands included, so a command added later cannot
// ship without an example in its --help.
func TestEveryCommandHasAnExample(t *testing.T) {
	a := &app{getenv: func(string) string { return "" }, now: time.Now}
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		n++
		if strings.TrimSpace(c.Example) == "" || !strings.Contains(c.Example, "onboard") {
			t.Errorf("%q has no example in its --help", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(a.rootCommand())
	if n < 16 {
		t.Errorf("walked only %d commands", n)
	}
}
