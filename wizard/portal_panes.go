package wizard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/present"
	"onboard/tenant/usecase"
)

// The service page's panes: the new secret (or a pending service's
// credentials), the edit form and the validation history.

// secretPane asks for a new secret; a pending service also needs its
// Tenant ID, Application ID and admin (Add credentials).
type secretPane struct {
	c *common
	// opened is the service as it was when the pane opened: a teammate's
	// change meanwhile makes the save refused, never overwritten.
	opened  tenant.Service
	pending bool
	form    *form
	cred    credFields // tenantID, clientID and admin only when pending
}

func newSecretPane(c *common, svc tenant.Service) *secretPane {
	p := &secretPane{c: c, opened: svc, pending: svc.State == tenant.StatePendingAuth && !svc.HasCredentials()}
	if p.pending {
		p.cred = credFields{
			tenantID: textField("Tenant ID", "GUID or domain", svc.App.TenantID, 260, checkTenantID),
			clientID: textField("Application (Client) ID", "GUID", svc.App.ClientID, 40, checkClientID),
			secret:   secretField("Client secret", "the secret's Value, not its ID; never shown again", checkSecret),
			admin:    textField("Customer admin (UPN)", "optional", svc.App.AdminUser, 120, checkAdmin),
		}
		p.cred.guard()
		p.form = newForm(c, p.cred.tenantID, p.cred.clientID, p.cred.secret, p.cred.admin)
		p.form.focusFirstEmpty()
		return p
	}
	// The line above the form says it is validated first; the hint fits
	// 80 columns.
	p.cred.secret = secretField("New client secret", "its Value, not its ID; never shown again", checkSecret)
	p.form = newForm(c, p.cred.secret)
	return p
}

func (p *secretPane) title() string {
	if p.pending {
		return "Add credentials"
	}
	return "Update client secret"
}

func (p *secretPane) bindings() []key.Binding {
	k := p.c.keys
	if !p.pending { // the new secret alone
		return []key.Binding{withHelp(k.Enter, "validate and save"), withHelp(k.Back, "cancel")}
	}
	return []key.Binding{k.NextFld, withHelp(k.Enter, "next / save"), withHelp(k.Back, "cancel")}
}

func (p *secretPane) update(msg tea.KeyMsg) bool { return p.form.update(msg) }

// app is the App registration typed, cleaned by the rules (the form only
// submits valid fields).
func (p *secretPane) app() (tenant.AppRegistration, bool) {
	secret, _, err := tenant.CleanSecret(p.cred.secret.value())
	if err != nil {
		return tenant.AppRegistration{}, false
	}
	app := tenant.AppRegistration{Secret: secret}
	if p.pending {
		app.TenantID, app.ClientID, app.AdminUser = p.cred.tenantID.value(), p.cred.clientID.value(), p.cred.admin.value()
	}
	return app, true
}

func (p *secretPane) view() string {
	what := "The new secret is validated first; it replaces the stored one only if validation passes."
	if p.pending {
		what = "Type what the customer's admin sent. The credentials are validated first and saved only if validation passes."
	}
	return wrap(what, p.c.width) + "\n\n" + p.form.view()
}

// editPane edits the license, the licensed users, the customer admin and,
// where Graph cannot read it, the secret expiry from the Entra admin center.
type editPane struct {
	c *common
	// opened is the service as it was when the pane opened (see
	// secretPane).
	opened                tenant.Service
	form                  *form
	license, users, admin *field
	expiry                *field // nil when Graph reads the expiry
}

func newEditPane(c *common, svc tenant.Service) *editPane {
	p := &editPane{c: c, opened: svc}
	p.license = choiceField("License", "←/→ to choose", licenseOptions(), string(svc.License))
	p.users = textField("Licensed users", "1–500", strconv.Itoa(svc.Users), 6, checkUsers)
	p.admin = textField("Customer admin (UPN)", "optional", svc.App.AdminUser, 120, checkAdmin)
	p.admin.refuseSecret = true
	// Prefilled with what is stored: Enter need not visit it to save.
	p.admin.touched = true
	fields := []*field{p.license, p.users}
	if typed, ask := typedExpiry(svc); ask {
		p.expiry = textField("Secret expires", "YYYY-MM-DD as the Entra admin center shows it; Graph cannot read it", typed, 10, checkExpiryDate)
		fields = append(fields, p.expiry)
	}
	p.form = newForm(c, append(fields, p.admin)...)
	return p
}

// typedExpiry says whether an edit of svc asks for the secret expiry
// shown in the Entra admin center (only where Graph could not read it),
// and the date typed before, if any (both modes).
func typedExpiry(svc tenant.Service) (typed string, ask bool) {
	if r := svc.LastValidation; !svc.HasCredentials() || r != nil && r.SecretExpiresAt != nil {
		return "", false
	}
	if at := svc.App.ManualExpiry; at != nil {
		typed = at.UTC().Format(present.DateLayout)
	}
	return typed, true
}

func (p *editPane) title() string { return "Edit" }

func (p *editPane) bindings() []key.Binding {
	k := p.c.keys
	return []key.Binding{k.NextFld, withHelp(k.Enter, "next / save"), withHelp(k.Back, "cancel")}
}

func (p *editPane) update(msg tea.KeyMsg) bool { return p.form.update(msg) }

func (p *editPane) edit() usecase.Edit {
	lic, users, admin := p.license.value(), p.users.value(), p.admin.value()
	e := usecase.Edit{License: &lic, Users: &users, Admin: &admin}
	if p.expiry != nil {
		v := p.expiry.value()
		e.Expiry = &v
	}
	return e
}

func (p *editPane) view() string { return p.form.view() }

// historyPane lists a service's validations, newest first, with the
// checks of the one under the cursor.
type historyPane struct {
	c       *common
	history []tenant.ValidationReport
	pick    *picker
	scroll  int
}

func newHistoryPane(c *common, h []tenant.ValidationReport) *historyPane {
	clock := c.clock()
	opts := make([]option, len(h))
	for i, r := range h {
		opts[i] = historyOption(clock, r, i, "  ")
	}
	return &historyPane{c: c, history: h, pick: newPicker(c, false, opts...)}
}

// historyOption is report i of a history as both modes list it: when,
// the verdict and what ran it; the secret validated and its expiry. sep
// joins the parts (two spaces on the screen, a comma read aloud).
func historyOption(clock present.Clock, r tenant.ValidationReport, i int, sep string) option {
	label := clock.Time(r.At) + sep + present.Verdict(r.Status)
	if r.Trigger != "" {
		label += sep + string(r.Trigger)
	}
	e := tenant.ExpiryAt(clock.Now, r.SecretExpiresAt)
	return option{label: label, desc: "secret " + tenant.MaskedHint(r.SecretHint) + sep + present.DaysWords(e), value: strconv.Itoa(i)}
}

func (p *historyPane) title() string { return "Validation history" }

func (p *historyPane) bindings() []key.Binding {
	k := p.c.keys
	return []key.Binding{k.Move, k.Scroll, k.Back}
}

func (p *historyPane) update(msg tea.KeyMsg) bool {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.PageDown):
		p.scroll += p.c.bodyHeight() / 2
	case key.Matches(msg, k.PageUp):
		p.scroll = max(p.scroll-p.c.bodyHeight()/2, 0)
	default:
		if p.pick.update(msg) {
			p.scroll = 0
		}
	}
	return false
}

func (p *historyPane) view() string {
	s := p.c.styles
	if len(p.history) == 0 {
		return s.Faint.Render("No validation recorded yet.")
	}
	var b strings.Builder
	if len(p.history) == 1 {
		b.WriteString("1 validation.\n\n")
	} else {
		b.WriteString(fmt.Sprintf("%d validations, newest first.\n\n", len(p.history)))
	}
	listH := min(len(p.history), 6)
	b.WriteString(p.pick.view(listH) + "\n\n")
	o, _ := p.pick.selected()
	i, _ := strconv.Atoi(o.value)
	r := p.history[i]
	b.WriteString(scrolled(reportDetails(p.c, &r), p.scroll, p.c.bodyHeight()-listH-4))
	return b.String()
}
