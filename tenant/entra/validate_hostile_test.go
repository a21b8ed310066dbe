package entra_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"onboard/tenant"
	"onboard/tenant/entrasim"
)

// hostile is what an attacker who controls a tenant (or the path to it)
// writes into every text: OSC 52 (write the clipboard), clear the screen,
// an OSC 8 link, a window title, a forged report line and a right-to-left
// override.
const hostile = "\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\\x1b]0;title\x07\nFAKE: ✓ Token: all good\u202e\u2066\u200f"

// unsafe says what makes s unsafe on a terminal, or "".
func unsafe(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			return "a line break"
		case unicode.IsControl(r):
			return fmt.Sprintf("control U+%04X", r)
		case unicode.Is(unicode.Cf, r):
			return fmt.Sprintf("format character U+%04X", r)
		}
	}
	return ""
}

// assertHarmless checks every string of the report, the progress lines
// and the log for anything a terminal would act on.
func assertHarmless(t *testing.T, rep *tenant.ValidationReport, progress []string) {
	t.Helper()
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var decoded any
	_ = json.Unmarshal(js, &decoded)
	for _, s := range append(allStrings(decoded), progress...) {
		if why := unsafe(s); why != "" {
			t.Errorf("%s in %q", why, s)
		}
		if strings.Contains(s, "]52;") || strings.Contains(s, "evil.example") || strings.Contains(s, "[2J") {
			t.Errorf("what is left of an escape sequence in %q", s)
		}
	}
}

func validateCollecting(r *rig, c tenant.Credentials) (*tenant.ValidationReport, []string) {
	var lines []string
	rep := r.validator().Validate(context.Background(), c, func(ch tenant.Check) { lines = append(lines, ch.Detail, ch.Fix) })
	return rep, lines
}

// TestHostileTenant: the demo tenant whose every name carries escapes —
// tenant, domains, app, user, SKU — comes out with clean text, and the
// names that are no domains dropped.
func TestHostileTenant(t *testing.T) {
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	r.cfg.SBCDomain = entrasim.DemoSBCDomain
	rep, lines := validateCollecting(r, demoCreds(t, now, "Margie"))
	if rep.Status != tenant.StatusWarn {
		t.Fatalf("verdict %s\n%s", rep.Status, dump(rep))
	}
	assertHarmless(t, rep, lines)
	if !strings.HasPrefix(rep.TenantName, "Margie's Travel") || !strings.HasPrefix(rep.AppName, "Teams Direct Routing (hosted)") ||
		rep.Admin == nil || !strings.HasPrefix(rep.Admin.DisplayName, "M365 Admin") {
		t.Errorf("names: tenant %q app %q admin %+v", rep.TenantName, rep.AppName, rep.Admin)
	}
	if rep.InitialDomain != "" || rep.DefaultDomain != "" || fmt.Sprint(rep.VerifiedDomains) != "[margiestravel.sbc.provider.example]" {
		t.Errorf("domains: initial %q default %q verified %v", rep.InitialDomain, rep.DefaultDomain, rep.VerifiedDomains)
	}
	if c, _ := check(rep, tenant.CheckTenant); c.Status != tenant.StatusWarn || !strings.Contains(c.Detail, "not a domain name") {
		t.Errorf("tenant check: %+v", c)
	}
	if p := rep.TeamsPhone; p == nil || len(p.SKUs) != 1 || !strings.HasPrefix(p.SKUs[0], "SPE_E5") {
		t.Errorf("TeamsPhone: %+v", p)
	}
	// The M365 domain a service takes from the report is no escape either.
	svc := tenant.Service{}
	svc.Apply(rep)
	if svc.M365Domain != "" {
		t.Errorf("M365 domain %q taken from a name that is no domain", svc.M365Domain)
	}
}

// TestHostileAnswers: escapes in every other text an answer carries —
// Entra ID's error description, trace and correlation IDs, Graph's error
// message and request ID, token claims, role and organization names —
// never reach the report, and a 2 MB name is cut.
func TestHostileAnswers(t *testing.T) {
	entraBody := func(fields map[string]any) string {
		fields["error"] = "invalid_request" + hostile
		fields["error_codes"] = []int{90099}
		b, _ := json.Marshal(fields)
		return string(b)
	}
	graphBody := func(code string) string {
		b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": "Something went wrong" + hostile,
			"innerError": map[string]any{"request-id": "5e0e0e0e-1111-4222-8333-444455556666" + hostile}}})
		return string(b)
	}
	page := func(v any) string {
		b, _ := json.Marshal(map[string]any{"value": v})
		return string(b)
	}
	cases := []struct {
		name  string
		creds string
		fault entrasim.Fault
		check func(t *testing.T, rep *tenant.ValidationReport)
	}{
		{"error description", "Contoso", entrasim.Fault{Kind: entrasim.KindToken, Status: 400,
			Body: entraBody(map[string]any{"error_description": "AADSTS90099: Refused" + hostile, "trace_id": "t", "correlation_id": "c"})},
			func(t *testing.T, rep *tenant.ValidationReport) {
				if c, _ := check(rep, tenant.CheckToken); !strings.Contains(c.Detail, "Refused") {
					t.Errorf("the description is lost: %+v", c)
				}
			}},
		{"trace and correlation IDs", "Contoso", entrasim.Fault{Kind: entrasim.KindToken, Status: 400,
			Body: entraBody(map[string]any{"error_description": "AADSTS90099: Refused.", "trace_id": "0b3a0c1e" + hostile, "correlation_id": "1c2d3e4f" + hostile})},
			func(t *testing.T, rep *tenant.ValidationReport) {
				if !strings.HasPrefix(rep.TraceID, "0b3a0c1e") || !strings.HasPrefix(rep.CorrelationID, "1c2d3e4f") {
					t.Errorf("IDs: %q %q", rep.TraceID, rep.CorrelationID)
				}
			}},
		{"Teams admin API refusal", "Contoso", entrasim.Fault{Kind: entrasim.KindToken, Resource: entrasim.ResourceTeamsAdminAPI, Status: 400,
			Body: entraBody(map[string]any{"error_description": "AADSTS90099: Refused" + hostile, "trace_id": "t" + hostile, "correlation_id": "c" + hostile})},
			nil},
		{"Graph message and request ID", "Contoso", entrasim.Fault{Kind: entrasim.KindGraph, PathContains: "/organization", Status: 400, Body: graphBody("BadRequest" + hostile)},
			func(t *testing.T, rep *tenant.ValidationReport) {
				if c, _ := check(rep, tenant.CheckTenant); !strings.Contains(c.Detail, "Something went wrong") {
					t.Errorf("the Graph message is lost: %+v", c)
				}
			}},
		{"token claims", "Contoso", entrasim.Fault{Kind: entrasim.KindToken, Claims: map[string]any{"appid": otherGUID + hostile, "app_displayname": "App" + hostile}},
			func(t *testing.T, rep *tenant.ValidationReport) {
				if c, _ := check(rep, tenant.CheckToken); c.Status != tenant.StatusFail || !strings.Contains(c.Detail, otherGUID) {
					t.Errorf("token check: %+v", c)
				}
			}},
		{"app name from the token", "Adatum", entrasim.Fault{Kind: entrasim.KindToken, Claims: map[string]any{"app_displayname": "App" + hostile}},
			func(t *testing.T, rep *tenant.ValidationReport) {
				if !strings.HasPrefix(rep.AppName, "App") {
					t.Errorf("AppName %q", rep.AppName)
				}
			}},
		{"role names from Graph", "Contoso", entrasim.Fault{Kind: entrasim.KindGraph, PathContains: "/memberOf/", Body: page([]any{
			map[string]any{"@odata.type": "#microsoft.graph.directoryRole", "id": "x", "displayName": "Custom" + hostile, "roleTemplateId": "11111111-2222-4333-8444-555555555555"}})},
			func(t *testing.T, rep *tenant.ValidationReport) {
				if len(rep.Roles) != 1 || !strings.HasPrefix(rep.Roles[0], "Custom") {
					t.Errorf("Roles %q", rep.Roles)
				}
			}},
		{"a 2 MB organization name", "Contoso", entrasim.Fault{Kind: entrasim.KindGraph, PathContains: "/organization", Body: page([]any{
			map[string]any{"id": "8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60", "displayName": strings.Repeat("Contoso"+hostile, 2<<20/len(hostile)),
				"verifiedDomains": []any{map[string]any{"name": "contoso.onmicrosoft.com", "isInitial": true}}}})},
			func(t *testing.T, rep *tenant.ValidationReport) {
				if n := utf8.RuneCountInString(rep.TenantName); n == 0 || n > tenant.UntrustedNameMax {
					t.Errorf("TenantName has %d characters", n)
				}
				if js, _ := json.Marshal(rep); len(js) > 64<<10 {
					t.Errorf("a %d-byte report", len(js))
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
			r := newRig(t, entrasim.Demo(now), now)
			r.srv.AddFault(tc.fault)
			if tc.name == "role names from Graph" {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Claims: map[string]any{"wids": nil}})
			}
			rep, lines := validateCollecting(r, demoCreds(t, now, tc.creds))
			assertHarmless(t, rep, lines)
			if tc.check != nil {
				tc.check(t, rep)
			}
		})
	}
}
