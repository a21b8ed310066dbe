package present

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"onboard/tenant"
)

// TestServiceJSON pins the JSON contract's field names (docs/cli.md) and shows the secret
// appears only as its hint, and daysUntilExpire is counted from now.
func TestServiceJSON(t *testing.T) {
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
	b, err := json.Marshal(JSONOf(s, NewClock(now)))
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
	// New fields may be added; these keep their names and meaning.
	keys := []string{"name", "customer", "fullName", "license", "users", "tenantId", "clientId", "secretHint", "adminUser", "m365Domain", "createdAt", "lastValidation", "state"}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	lv := m["lastValidation"].(map[string]any)
	lvKeys := []string{"status", "at", "tenantName", "secretExpiresAt", "daysUntilExpire", "expiryReadAt", "roles", "permissions", "checks", "groups", "aadsts", "correlationId"}
	for _, k := range lvKeys {
		if _, ok := lv[k]; !ok {
			t.Errorf("lastValidation lacks %q", k)
		}
	}
	checkKeys := lv["checks"].([]any)[0].(map[string]any)
	if len(checkKeys) != 5 || checkKeys["name"] == nil || checkKeys["group"] != "credentials" || checkKeys["status"] == nil || checkKeys["detail"] == nil || checkKeys["fix"] == nil {
		t.Errorf("a check's JSON should be exactly name, group, status, detail, fix: %v", checkKeys)
	}
	if m["secretHint"] != "abc****" || lv["daysUntilExpire"] != 45.0 {
		t.Errorf("secretHint %v, daysUntilExpire %v (want abc****, 45 recomputed)", m["secretHint"], lv["daysUntilExpire"])
	}
	if lv["roles"] != nil || lv["permissions"] == nil {
		t.Errorf("roles never read should be null (unknown), permissions [] : %s", b)
	}
	s.LastValidation.Roles = []string{}
	b, _ = json.Marshal(JSONOf(s, NewClock(now)))
	if !bytes.Contains(b, []byte(`"roles": []`)) && !bytes.Contains(b, []byte(`"roles":[]`)) {
		t.Errorf("no roles should be [] (none): %s", b)
	}
	s.LastValidation.SecretExpiresAt = nil
	b, _ = json.Marshal(JSONOf(s, NewClock(now)))
	if !bytes.Contains(b, []byte(`"daysUntilExpire":null`)) {
		t.Errorf("unknown expiry should be null: %s", b)
	}
}

func TestHeadline(t *testing.T) {
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
		{&tenant.ValidationReport{Status: tenant.StatusPass}, "ready for Direct Routing"},
		{fail, "Entra ID rejected the client secret. (AADSTS7000215)"},
		{warn, "The client secret expires in 9 days. (+1 more)"},
		{nil, ""},
	} {
		if got := Headline(c.r); got != c.want {
			t.Errorf("Headline = %q, want %q", got, c.want)
		}
	}
}
