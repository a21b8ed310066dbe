package wizard

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
)

// Seed step 8: Tenant ID, Application (Client) ID, client secret (masked)
// and the optional customer admin, each with its rule under the field.

func newCredentialsForm(f *addFlow) *form {
	return newForm(f.c,
		textField("Tenant ID", "GUID or domain (contoso.onmicrosoft.com)", "", 260, checkTenantID),
		textField("Application (Client) ID", "GUID", "", 40, checkClientID),
		secretField("Client secret", "the secret's Value, not its ID; never shown again", checkSecret),
		textField("Customer admin (UPN)", "optional: who handed the credentials over", "", 120, checkAdmin),
	)
}

// fillDemo puts demo tenant i's credentials in the form (--demo only).
func (f *addFlow) fillDemo(i int) {
	d := f.c.demo[i]
	fs := f.credForm.fields
	fs[0].setValue(d.TenantID)
	fs[1].setValue(d.ClientID)
	fs[2].setValue(d.Secret)
	fs[3].setValue(d.AdminUPN)
	for _, fl := range fs {
		fl.touched = true
	}
	f.credNote = fmt.Sprintf("Filled in from demo tenant %q: %s", d.Label, d.Outcome)
	f.demoNext = (i + 1) % len(f.c.demo)
}

func (f *addFlow) updateCredentials(msg tea.KeyMsg) tea.Cmd {
	if len(f.c.demo) > 0 && key.Matches(msg, f.c.keys.DemoFill) {
		f.fillDemo(f.demoNext)
		return nil
	}
	if !f.credForm.update(msg) {
		return nil
	}
	fs := f.credForm.fields
	f.in.TenantID = fs[0].value()
	f.in.ClientID = fs[1].value()
	f.in.Secret = fs[2].value()
	f.in.AdminUser = fs[3].value()
	f.in.UseKnownApp = true
	svc, _, err := f.in.Parse(f.c.now())
	if err != nil {
		f.credNote = err.Error()
		return nil
	}
	f.credNote = ""
	return f.startValidation(tenant.Credentials{
		TenantID: svc.App.TenantID,
		ClientID: svc.App.ClientID,
		Secret:   svc.App.Secret,
		AdminUPN: svc.App.AdminUser,
	})
}

func (f *addFlow) viewCredentials() string {
	s := f.c.styles
	var b strings.Builder
	b.WriteString(wrap("Type what the customer's admin hands over from Entra ID > App registrations.", f.c.width))
	b.WriteString("\n\n")
	b.WriteString(f.credForm.view())
	if f.credNote != "" {
		b.WriteString("\n\n" + wrap(s.Warning.Render(f.credNote), f.c.width))
	}
	return b.String()
}
