package wizard

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
)

// The portal's step 8 (docs/onboarding.md): Tenant ID, Application (Client)
// ID, client secret (masked) and the optional customer admin, each with its
// rule under the field.

// credFields are the credentials step's fields, by name.
type credFields struct {
	tenantID, clientID, secret, admin *field
}

func newCredentialsForm(f *addFlow) *form {
	f.cred = credFields{
		tenantID: textField("Tenant ID", "GUID or domain (contoso.onmicrosoft.com)", "", 260, checkTenantID),
		clientID: textField("Application (Client) ID", "GUID", "", 40, checkClientID),
		secret:   secretField("Client secret", "the secret's Value, not its ID; never shown again", checkSecret),
		admin:    textField("Customer admin (UPN)", "optional: who handed the credentials over", "", 120, checkAdmin),
	}
	f.cred.guard()
	return newForm(f.c, f.cred.tenantID, f.cred.clientID, f.cred.secret, f.cred.admin)
}

// guard makes the visible fields beside the secret refuse what looks like
// one: a secret typed or pasted into the wrong field is never drawn.
func (cf credFields) guard() {
	for _, fl := range []*field{cf.tenantID, cf.clientID, cf.admin} {
		if fl != nil {
			fl.refuseSecret = true
		}
	}
}

// fillDemo puts demo tenant i's credentials in the form (--demo only).
func (f *addFlow) fillDemo(i int) {
	d := f.c.demo[i]
	f.cred.tenantID.setValue(d.TenantID)
	f.cred.clientID.setValue(d.ClientID)
	f.cred.secret.setValue(d.Secret)
	f.cred.admin.setValue(d.AdminUPN)
	for _, fl := range f.credForm.fields {
		fl.touched = true
	}
	f.credNote = fmt.Sprintf("Filled in from demo tenant %q: %s", d.Label, d.Outcome)
	f.demo = i
}

func (f *addFlow) updateCredentials(msg tea.KeyMsg) tea.Cmd {
	if len(f.c.demo) > 0 && key.Matches(msg, f.c.keys.DemoFill) {
		f.fillDemo((f.demo + 1) % len(f.c.demo))
		return nil
	}
	if !f.credForm.update(msg) {
		return nil
	}
	f.in.TenantID = f.cred.tenantID.value()
	f.in.ClientID = f.cred.clientID.value()
	f.in.Secret = f.cred.secret.value()
	f.in.AdminUser = f.cred.admin.value()
	f.in.UseKnownApp = true
	svc, _, err := f.in.Parse(f.c.now())
	if err != nil {
		f.credNote = err.Error()
		return nil
	}
	f.credNote = ""
	return f.startValidation(tenant.CredentialsOf(svc))
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
