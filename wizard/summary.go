package wizard

import (
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
)

// Seed step 10, last part: the summary and Create service, the flow's only
// write.

func (f *addFlow) updateSummary(msg tea.KeyMsg) tea.Cmd {
	if msg.Type == tea.KeyEnter {
		return f.create()
	}
	return nil
}

func (f *addFlow) viewSummary() string {
	s := f.c.styles
	in := f.in
	customer := in.Customer
	if f.newCustomer {
		customer += s.Faint.Render("  (new)")
	}
	lic, _ := tenant.ParseLicense(in.License)
	users := in.Users
	if n, err := tenant.ParseUsers(in.Users); err == nil {
		users = strconv.Itoa(n)
	}
	rows := [][2]string{
		{"Service type", "Direct Routing"},
		{"Customer", customer},
		{"Short name", in.Name},
		{"Full name", orDash(strings.TrimSpace(in.FullName))},
		{"License", lic.Title()},
		{"Licensed users", users},
	}
	if in.UseKnownApp && f.report != nil {
		secret, _, _ := tenant.CleanSecret(in.Secret)
		admin, _ := tenant.CleanAdminUPN(in.AdminUser)
		rows = append(rows,
			[2]string{"Tenant ID", orDash(f.report.TenantID)},
			[2]string{"Application ID", strings.ToLower(strings.TrimSpace(in.ClientID))},
			[2]string{"Client secret", secret.Masked()},
			[2]string{"Customer admin", orDash(admin)},
			[2]string{"M365 domain", f.m365Form.fields[0].value()},
			[2]string{"Validation", verdictText(s, f.report)},
			[2]string{"Secret expires", expiryText(s, f.report.SecretExpiresAt, f.report.DaysUntilExpire)},
		)
	} else {
		rows = append(rows, [2]string{"State", s.Warning.Render(tenant.StatePendingAuth.Title()) + s.Faint.Render("  (no credentials yet)")})
	}
	var b strings.Builder
	b.WriteString(facts(s, rows, f.c.width))
	b.WriteString("\n\n")
	if f.createErr != "" {
		b.WriteString(wrap(s.Error.Render("✗ "+f.createErr), f.c.width) + "\n\n")
	}
	b.WriteString(s.Selected.Render("> Create service") + s.Faint.Render("  (enter)"))
	return b.String()
}
