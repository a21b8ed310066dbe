package present

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"onboard/tenant"
)

// handoverService is a service with a failed last validation: every part
// of the report has something to show.
func handoverService() (tenant.Service, Clock) {
	now := time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)
	exp := time.Date(2027, 6, 18, 12, 0, 0, 0, time.UTC)
	r := &tenant.ValidationReport{At: now.Add(-time.Hour), Trigger: tenant.TriggerRevalidated, By: "alice",
		ClientID: "3f6b2c1d-8e4a-4b7c-9d2e-5a6b7c8d9e01", SecretHint: "Xq8",
		TenantID: "8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60", TenantName: "Contoso Ltd", InitialDomain: "contoso.onmicrosoft.com",
		AppName: "Teams Direct Routing (hosted)", SecretExpiresAt: &exp, Roles: []string{}, Permissions: []string{"Organization.Read.All"},
		AADSTS: "AADSTS53003", CorrelationID: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", TraceID: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}
	r.Add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusPass, Detail: "Entra ID issued an app-only token for tenant 8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60: the secret works."})
	r.Add(tenant.Check{Name: tenant.CheckSecret, Status: tenant.StatusPass, Detail: "The client secret expires on 2027-06-18, in 200 days."})
	r.Add(tenant.Check{Name: tenant.CheckTeamsToken, Status: tenant.StatusFail, Detail: "A Conditional Access policy blocked the token for the Skype and Teams Tenant Admin API (AADSTS53003).",
		Fix: "Ask the customer's admin to exclude this app's service principal from the policy (Entra admin center > Protection > Conditional Access)."})
	r.Add(tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusFail, Detail: "The app has no Entra role.",
		Fix: "Entra admin center > Identity > Roles & admins > Teams Administrator > Add assignments > select the app > Add."})
	svc := tenant.Service{Name: "CTSO-DR1", FullName: "Contoso *voice* | main", Customer: "Contoso Ltd", License: tenant.LicensePro, Users: 25,
		M365Domain: "contoso.com", State: tenant.StatePendingAuth,
		App:            tenant.AppRegistration{TenantID: r.TenantID, ClientID: r.ClientID, Secret: tenant.NewSecret("Xq88Q~Vb2mKp7Lr4Tz9Wc1Yn6Hd3Jf5Gs0Ae.UkZ"), AdminUser: "admin@contoso.com"},
		LastValidation: r}
	return svc, NewClock(now)
}

func TestMarkdownReport(t *testing.T) {
	svc, c := handoverService()
	md := Markdown(svc, c)
	golden.RequireEqual(t, []byte(md))
	if strings.Contains(md, svc.App.Secret.Reveal()[3:]) {
		t.Fatal("the secret is in the report")
	}
}

func TestHTMLReportEscapesAndHidesTheSecret(t *testing.T) {
	svc, c := handoverService()
	svc.Customer = `<script>alert(1)</script>`
	h := HTML(svc, c)
	if strings.Contains(h, "<script>") || !strings.Contains(h, "&lt;script&gt;") {
		t.Errorf("record text reached the HTML unescaped")
	}
	if !strings.Contains(h, "<p>For Microsoft support: AADSTS <code>AADSTS53003</code>, Correlation ID <code>0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e</code>, Trace ID <code>1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f</code>.</p>") {
		t.Errorf("the HTML report lacks what Microsoft support asks for:\n%s", h)
	}
	if strings.Contains(h, svc.App.Secret.Reveal()[3:]) {
		t.Fatal("the secret is in the report")
	}
}

func TestInstructionsSayWhatToFix(t *testing.T) {
	svc, _ := handoverService()
	in := Instructions(svc.Name, svc.LastValidation)
	for _, want := range []string{"1. Teams admin API token:", "Protection > Conditional Access", "2. Entra role:", "AADSTS53003"} {
		if !strings.Contains(in, want) {
			t.Errorf("instructions lack %q:\n%s", want, in)
		}
	}
	if strings.Contains(in, "Token:") {
		t.Errorf("a passing check is in the instructions:\n%s", in)
	}
	if !strings.Contains(Instructions("X", nil), "New registration") {
		t.Error("without a report the instructions say how to create the App registration")
	}
}
