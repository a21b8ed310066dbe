package wizard

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/store"
	"onboard/tenant"
)

// The service page, the service portal of SPEC §1 rows 11–13: every M365
// Configuration fact, and the actions Validate Authentication, Update
// client secret (Add credentials while pending), Edit license / users,
// Validation history and Delete.

type portalMode int

const (
	portalView portalMode = iota
	portalValidating
	portalSecret
	portalEdit
	portalHistory
	portalDelete
)

type portalScreen struct {
	c    *common
	name string
	from state // where Esc returns to
	svc  tenant.Service
	err  string

	mode   portalMode
	flash  string // the outcome of the last action
	bad    bool   // flash is a failure
	scroll int

	// validation in flight; newSecret is set when it validates a secret
	// that replaces the stored one only if it passes.
	val       validation
	newSecret *tenant.Secret
	newApp    *tenant.AppRegistration
	failed    *tenant.ValidationReport // a new secret's failed report, shown but not recorded

	// form is the open form: the new secret (portalSecret) or the license,
	// users and typed expiry (portalEdit).
	form     *form
	history  []tenant.ValidationReport
	histPick *picker
}

func newPortalScreen(c *common, name string, from state) *portalScreen {
	p := &portalScreen{c: c, name: name, from: from}
	p.val = newValidation(c)
	p.reload()
	return p
}

func (p *portalScreen) reload() {
	svc, err := p.c.store.GetService(p.name)
	if err != nil {
		p.err = fmt.Sprintf("could not read service %s: %v", p.name, err)
		return
	}
	p.err = ""
	p.svc = svc
	p.name = svc.Name
}

func (p *portalScreen) pending() bool { return p.svc.State == tenant.StatePendingAuth }

func (p *portalScreen) title() string {
	switch p.mode {
	case portalSecret:
		if p.pending() {
			return p.name + " › Add credentials"
		}
		return p.name + " › Update client secret"
	case portalEdit:
		return p.name + " › Edit license / users"
	case portalHistory:
		return p.name + " › Validation history"
	case portalValidating:
		return p.name + " › Validating"
	}
	return "Service " + p.name
}

func (p *portalScreen) busy() bool { return p.mode == portalValidating }
func (p *portalScreen) stop()      { p.val.cancel() }

func (p *portalScreen) bindings() []key.Binding {
	k := p.c.keys
	switch p.mode {
	case portalValidating:
		return []key.Binding{withHelp(k.Back, "cancel"), k.Cancel}
	case portalSecret, portalEdit:
		if len(p.form.fields) == 1 { // the new secret alone
			return []key.Binding{withHelp(k.Enter, "validate and save"), withHelp(k.Back, "cancel")}
		}
		return []key.Binding{k.NextFld, withHelp(k.Enter, "next / save"), withHelp(k.Back, "cancel")}
	case portalHistory:
		return []key.Binding{k.Move, k.Scroll, k.Back}
	case portalDelete:
		return []key.Binding{withHelp(k.Yes, "delete"), withHelp(k.No, "keep")}
	}
	secret := k.Secret
	b := []key.Binding{}
	if p.pending() {
		secret = withHelp(k.Secret, "add credentials")
	} else {
		b = append(b, withHelp(k.Validate, "validate"))
	}
	return append(b, secret, k.Edit, k.History, k.Delete, k.Back)
}

func (p *portalScreen) update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyMsg); ok {
		return p.updateKey(km)
	}
	cmd, report := p.val.update(msg)
	if report != nil {
		p.finish(report)
	}
	return cmd
}

func (p *portalScreen) updateKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	switch p.mode {
	case portalValidating:
		if key.Matches(msg, k.Back, k.Cancel) {
			p.val.cancel()
			p.mode = portalView
			p.flash, p.bad = "Validation cancelled. Nothing was recorded.", true
		}
		return nil
	case portalSecret, portalEdit:
		switch {
		case key.Matches(msg, k.Back):
			p.mode = portalView
		case !p.form.update(msg):
		case p.mode == portalSecret:
			return p.validateNewSecret()
		default:
			p.saveEdit()
		}
		return nil
	case portalHistory:
		switch {
		case key.Matches(msg, k.Back):
			p.mode = portalView
		case key.Matches(msg, k.PageDown):
			p.scroll += p.c.bodyHeight() / 2
		case key.Matches(msg, k.PageUp):
			p.scroll = max(p.scroll-p.c.bodyHeight()/2, 0)
		default:
			if p.histPick.update(msg) {
				p.scroll = 0
			}
		}
		return nil
	case portalDelete:
		switch {
		case key.Matches(msg, k.Yes):
			if err := p.c.store.DeleteService(p.name); err != nil {
				p.mode = portalView
				p.flash, p.bad = fmt.Sprintf("could not delete %s: %v", p.name, err), true
				return nil
			}
			return navigate(p.from)
		case key.Matches(msg, k.No, k.Back):
			p.mode = portalView
		}
		return nil
	}

	// portalView
	switch {
	case key.Matches(msg, k.Back):
		return navigate(p.from)
	case key.Matches(msg, k.PageDown, k.Down):
		p.scroll += 3
	case key.Matches(msg, k.PageUp, k.Up):
		p.scroll = max(p.scroll-3, 0)
	case key.Matches(msg, k.Validate):
		if p.pending() || p.err != "" {
			return nil
		}
		p.newSecret, p.newApp, p.failed = nil, nil, nil
		return p.start(tenant.CredentialsOf(p.svc))
	case key.Matches(msg, k.Secret):
		p.openSecretForm()
	case key.Matches(msg, k.Edit):
		p.openEditForm()
	case key.Matches(msg, k.History):
		p.openHistory()
	case key.Matches(msg, k.Delete):
		p.mode = portalDelete
	}
	return nil
}

func (p *portalScreen) start(creds tenant.Credentials) tea.Cmd {
	p.flash = ""
	p.mode = portalValidating
	return p.val.start(p.c.validator, creds)
}

// finish records a re-validation, or replaces the secret when the new one
// passed; a failed new secret leaves the stored one as it was.
func (p *portalScreen) finish(r *tenant.ValidationReport) {
	p.mode = portalView
	p.scroll = 0
	if p.newSecret == nil {
		if err := p.c.store.RecordValidation(p.name, *r); err != nil {
			p.flash, p.bad = fmt.Sprintf("could not record the validation: %v", err), true
			return
		}
		p.reload()
		p.flash, p.bad = "Validation recorded: "+plainVerdict(r), !r.Passed()
		return
	}
	secret := *p.newSecret
	p.newSecret = nil
	if !r.Passed() {
		p.failed = r
		p.flash, p.bad = "The new secret failed validation; the stored one was not changed.", true
		return
	}
	p.failed = nil
	if err := saveNewSecret(p.c.store, p.name, p.newApp, secret, r); err != nil {
		p.flash, p.bad = err.Error(), true
		return
	}
	p.reload()
	p.flash, p.bad = "Client secret replaced after it passed validation: "+plainVerdict(r), false
	if p.newApp != nil {
		p.flash = "Credentials saved after they passed validation; the service is " + p.svc.State.Title() + ": " + plainVerdict(r)
	}
}

func plainVerdict(r *tenant.ValidationReport) string {
	switch r.Status {
	case tenant.StatusPass:
		return "✓ passed"
	case tenant.StatusWarn:
		return "! passed with warnings"
	}
	return "✗ failed"
}

// openSecretForm asks for a new secret; a pending service also needs its
// Tenant ID, Application ID and admin (Add credentials).
func (p *portalScreen) openSecretForm() {
	p.mode = portalSecret
	// The line above the form says it is validated first; the hint fits 80
	// columns.
	secret := secretField("New client secret", "its Value, not its ID; never shown again", checkSecret)
	if p.pending() {
		secret = secretField("Client secret", "the secret's Value, not its ID; never shown again", checkSecret)
		p.form = newForm(p.c,
			textField("Tenant ID", "GUID or domain", p.svc.App.TenantID, 260, checkTenantID),
			textField("Application (Client) ID", "GUID", p.svc.App.ClientID, 40, checkClientID),
			secret,
			textField("Customer admin (UPN)", "optional", p.svc.App.AdminUser, 120, checkAdmin),
		)
		return
	}
	p.form = newForm(p.c, secret)
}

func (p *portalScreen) validateNewSecret() tea.Cmd {
	fs := p.form.fields
	creds := tenant.CredentialsOf(p.svc)
	p.newApp = nil
	si := 0
	if p.pending() {
		tid, _, err := tenant.ParseTenantID(fs[0].value())
		if err != nil {
			return nil
		}
		cid, err := tenant.ParseClientID(fs[1].value())
		if err != nil {
			return nil
		}
		admin, err := tenant.CleanAdminUPN(fs[3].value())
		if err != nil {
			return nil
		}
		creds.TenantID, creds.ClientID, creds.AdminUPN = tid, cid, admin
		p.newApp = &tenant.AppRegistration{TenantID: tid, ClientID: cid, AdminUser: admin}
		si = 2
	}
	secret, _, err := tenant.CleanSecret(fs[si].value())
	if err != nil {
		return nil
	}
	creds.Secret = secret
	p.newSecret = &secret
	p.form = nil // the typed secret is not kept on screen
	return p.start(creds)
}

func (p *portalScreen) openEditForm() {
	p.mode = portalEdit
	p.failed = nil // the refused secret's report is old news once the engineer moves on
	fields := []*field{
		choiceField("License", "←/→ to choose", licenseOptions(), string(p.svc.License)),
		textField("Licensed users", "1–500", strconv.Itoa(p.svc.Users), 6, checkUsers),
	}
	if !expiryReadable(p.svc) {
		typed := ""
		if at := p.svc.App.ManualExpiry; at != nil {
			typed = at.UTC().Format(dateLayout)
		}
		fields = append(fields, textField("Secret expires", "YYYY-MM-DD as the Entra admin center shows it; Graph cannot read it", typed, 10, checkExpiryDate))
	}
	p.form = newForm(p.c, fields...)
}

func (p *portalScreen) saveEdit() {
	var typed *string
	if len(p.form.fields) > 2 {
		v := p.form.fields[2].value()
		typed = &v
	}
	done, err := editService(p.c.store, p.name, p.form.fields[0].value(), p.form.fields[1].value(), typed)
	p.mode = portalView
	if err != nil {
		p.flash, p.bad = fmt.Sprintf("could not save: %v", err), true
		return
	}
	p.reload()
	p.flash, p.bad = done, false
}

func (p *portalScreen) openHistory() {
	h, err := p.c.store.History(p.name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		p.flash, p.bad = fmt.Sprintf("could not read the history: %v", err), true
		return
	}
	p.history = h
	opts := make([]option, len(h))
	for i, r := range h {
		opts[i] = option{label: r.At.UTC().Format("2006-01-02 15:04") + "  " + plainVerdict(&r), desc: "secret " + r.SecretHint + "…  " + daysLeft(r.DaysUntilExpire), value: strconv.Itoa(i)}
	}
	p.histPick = newPicker(p.c, false, opts...)
	p.failed = nil
	p.mode = portalHistory
	p.scroll = 0
}

func (p *portalScreen) view() string {
	s := p.c.styles
	if p.err != "" {
		return s.Error.Render(p.err)
	}
	switch p.mode {
	case portalValidating:
		what := "Validating the stored credentials…"
		if p.newSecret != nil {
			what = "Validating the new secret (the stored one is kept unless it passes)…"
		}
		return p.val.view(p.c, what)
	case portalSecret:
		what := "The new secret is validated first; it replaces the stored one only if validation passes."
		if p.pending() {
			what = "Type what the customer's admin sent. The credentials are validated first and saved only if validation passes."
		}
		return wrap(what, p.c.width) + "\n\n" + p.form.view()
	case portalEdit:
		return p.form.view()
	case portalHistory:
		return p.viewHistory()
	}
	var b strings.Builder
	if p.flash != "" {
		st := s.Success
		if p.bad {
			st = s.Error
		}
		b.WriteString(wrap(st.Render(p.flash), p.c.width) + "\n\n")
	}
	if p.mode == portalDelete {
		b.WriteString(s.Warning.Render(fmt.Sprintf("Delete service %s and its whole validation history? (y/n)", p.name)) + "\n\n")
	}
	body := p.facts()
	if p.failed != nil {
		body = s.Heading.Render("The new secret's validation (not saved)") + "\n" + reportDetails(p.c, p.failed) + "\n\n" + body
	}
	b.WriteString(scrolled(body, p.scroll, p.c.bodyHeight()-strings.Count(b.String(), "\n")))
	return b.String()
}

// facts renders the M365 Configuration of seed step 12.
func (p *portalScreen) facts() string {
	s := p.c.styles
	svc := p.svc
	r := svc.LastValidation
	days, st := daysText(s, svc.DaysUntilExpire(p.c.now()))
	var expires *string
	if at, ok := svc.SecretExpiry(); ok {
		d := at.UTC().Format(dateLayout)
		if r == nil || r.SecretExpiresAt == nil {
			d += s.Faint.Render("  (typed from the Entra admin center)")
		}
		expires = &d
	}
	state := s.Success.Render(svc.State.Title())
	if p.pending() {
		state = s.Warning.Render(svc.State.Title())
	}
	head := s.Heading.Render(svc.Name)
	if svc.FullName != "" {
		head += " " + svc.FullName
	}
	head += s.Faint.Render(" · "+svc.Customer+" · Direct Routing · ") + state
	var roles, perms string
	if r != nil {
		roles, perms = strings.Join(r.Roles, ", "), strings.Join(r.Permissions, ", ")
	}
	rows := [][2]string{
		{"User Name", orDash(svc.App.AdminUser)},
		{"Tenant ID", orDash(svc.App.TenantID)},
		{"Application ID", orDash(svc.App.ClientID)},
		{"Client secret", orDash(svc.App.Secret.Masked())},
		{"Secret expires", derefOr(expires, "unknown")},
		{"Days until expire", st.Render(days)},
		{"Entra roles", orDash(roles)},
		{"Graph permissions", orDash(perms)},
		{"M365 domain", orDash(svc.M365Domain)},
		{"License", fmt.Sprintf("%s, %d users", svc.License.Title(), svc.Users)},
		{"Last validation", lastValidation(s, r)},
	}
	out := head + "\n\n" + s.Heading.Render("M365 Configuration") + "\n" + facts(s, rows, p.c.width)
	if p.pending() {
		out += "\n\n" + s.Warning.Render("Pending authentication: press s to add the credentials the admin sends.") + "\n\n" + adminInstructions(svc.Name)
	} else if r != nil {
		out += "\n\n" + checkLines(s, r.Checks, p.c.width)
	}
	return out
}

func lastValidation(s styles, r *tenant.ValidationReport) string {
	if r == nil {
		return verdictText(s, r)
	}
	return verdictText(s, r) + s.Faint.Render("  "+r.At.UTC().Format("2006-01-02 15:04")+" UTC")
}

func derefOr(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

func (p *portalScreen) viewHistory() string {
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
	b.WriteString(p.histPick.view(listH) + "\n\n")
	o, _ := p.histPick.selected()
	i, _ := strconv.Atoi(o.value)
	r := p.history[i]
	b.WriteString(scrolled(reportDetails(p.c, &r), p.scroll, p.c.bodyHeight()-listH-4))
	return b.String()
}
