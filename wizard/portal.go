package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/present"
	"onboard/tenant/usecase"
)

// The service page, the portal's steps 11–13 (docs/onboarding.md): every
// M365 Configuration fact, and the actions Validate Authentication, Update
// client secret (Add credentials while pending), Edit, Validation history
// and Delete. Each action's form is a pane of its own (portal_panes.go);
// the page routes keys to the open pane and calls the use cases.

// pane is one of the page's modes with its own keys and view, as
// soft-serve splits a page into panes.
type pane interface {
	// update handles a key; done reports the pane was submitted.
	update(msg tea.KeyMsg) (done bool)
	view() string
	title() string
	bindings() []key.Binding
}

type portalScreen struct {
	c    *common
	name string
	from state // where Esc returns to
	svc  tenant.Service
	err  string

	// pane is the open form (new secret, edit) or the history; nil on
	// the page itself.
	pane     pane
	deleting bool
	flash    string // the outcome of the last action
	bad      bool   // flash is a failure
	scroll   int

	// val is the validation in progress, if any (val.running).
	val    validation
	what   string                   // what is being validated, for the live view
	failed *tenant.ValidationReport // a new secret's failed report, shown but not saved
}

func newPortalScreen(c *common, name string, from state) *portalScreen {
	p := &portalScreen{c: c, name: name, from: from}
	p.val = newValidation(c)
	p.reload()
	return p
}

func (p *portalScreen) reload() {
	svc, err := p.c.cases.Store().GetService(p.name)
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
	switch {
	case p.val.running():
		return p.name + " › Validating"
	case p.pane != nil:
		return p.name + " › " + p.pane.title()
	}
	return "Service " + p.name
}

func (p *portalScreen) busy() bool { return p.val.running() }

// typing: a form (a new secret, an edit) takes keys as text.
func (p *portalScreen) typing() bool {
	_, history := p.pane.(*historyPane)
	return p.pane != nil && !history
}

// dirty: a form is open, holding what was typed.
func (p *portalScreen) dirty() bool { return p.typing() }
func (p *portalScreen) stop()       { p.val.cancel() }

func (p *portalScreen) bindings() []key.Binding {
	k := p.c.keys
	switch {
	case p.val.running():
		return []key.Binding{withHelp(k.Back, "cancel"), k.Cancel}
	case p.pane != nil:
		return p.pane.bindings()
	case p.deleting:
		return []key.Binding{withHelp(k.Yes, "delete"), withHelp(k.No, "keep")}
	}
	secret := k.Secret
	b := []key.Binding{}
	if !p.svc.HasCredentials() {
		secret = withHelp(k.Secret, "add credentials")
	} else {
		b = append(b, withHelp(k.Validate, "validate"))
	}
	return append(b, secret, k.Edit, k.History, withHelp(k.Copy, "copy"), k.Report, k.Delete, k.Back)
}

func (p *portalScreen) update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyMsg); ok {
		return p.updateKey(km)
	}
	if ch, ok := msg.(changedMsg); ok {
		// A teammate's change: the page shows it; an open form keeps
		// what is typed (its save is refused if the change conflicts).
		if ch.All() || tenant.NameKey(ch.Service) == tenant.NameKey(p.name) {
			p.reload()
		}
		return nil
	}
	cmd, done := p.val.update(msg)
	if done != nil {
		p.finish(done)
	}
	return cmd
}

func (p *portalScreen) updateKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	switch {
	case p.val.running():
		if key.Matches(msg, k.Back, k.Cancel) {
			p.val.cancel()
			p.flash, p.bad = "Validation cancelled. Nothing was recorded.", true
		}
		return nil
	case p.pane != nil:
		if key.Matches(msg, k.Back) {
			p.pane = nil
			return nil
		}
		if !p.pane.update(msg) {
			return nil
		}
		switch pn := p.pane.(type) {
		case *secretPane:
			return p.validateNewCredentials(pn)
		case *editPane:
			return p.saveEdit(pn)
		}
		return nil
	case p.deleting:
		switch {
		case key.Matches(msg, k.Yes):
			p.deleting = false
			if err := p.c.cases.DeleteService(p.name, p.svc.Version); err != nil {
				p.flash, p.bad = fmt.Sprintf("could not delete %s: %v", p.name, err), true
				return nil
			}
			return navigate(p.from)
		case key.Matches(msg, k.No, k.Back):
			p.deleting = false
		}
		return nil
	}

	switch {
	case key.Matches(msg, k.Back):
		return navigate(p.from)
	case key.Matches(msg, k.PageDown, k.Down):
		p.scroll += 3
	case key.Matches(msg, k.PageUp, k.Up):
		p.scroll = max(p.scroll-3, 0)
	case p.err != "":
	case key.Matches(msg, k.Validate):
		if !p.svc.HasCredentials() {
			return nil
		}
		p.failed = nil
		name, cases := p.name, p.c.cases
		return p.start("Validating the stored credentials…", func(ctx context.Context, progress func(tenant.Check)) (any, error) {
			return cases.Revalidate(ctx, name, progress)
		})
	case key.Matches(msg, k.Secret):
		p.flash, p.pane = "", newSecretPane(p.c, p.svc)
	case key.Matches(msg, k.Edit):
		p.failed = nil // the refused secret's report is old news once the engineer moves on
		p.flash, p.pane = "", newEditPane(p.c, p.svc)
	case key.Matches(msg, k.History):
		h, err := p.c.cases.Store().History(p.name)
		if err != nil && !errors.Is(err, usecase.ErrNotFound) {
			p.flash, p.bad = fmt.Sprintf("could not read the history: %v", err), true
			return nil
		}
		p.failed = nil
		p.pane = newHistoryPane(p.c, h)
	case key.Matches(msg, k.Copy):
		what, text := p.handOverText()
		p.flash, p.bad = p.c.copyText(what, text)
	case key.Matches(msg, k.Report):
		p.flash, p.bad = saveText("the report", fileName(p.name, "report", "md"), present.Markdown(p.svc, p.c.clock()))
	case key.Matches(msg, k.Delete):
		p.deleting = true
	}
	return nil
}

// handOverText is what c copies: the instructions for the customer's
// admin while something is missing, else the report for the ticket.
func (p *portalScreen) handOverText() (what, text string) {
	r := p.svc.LastValidation
	switch {
	case !p.svc.HasCredentials():
		return "the instructions for the customer's admin", present.Instructions(p.name, nil)
	case r != nil && r.Status != tenant.StatusPass:
		return "what the customer's admin must fix", present.Instructions(p.name, r)
	}
	return "the report", present.Markdown(p.svc, p.c.clock())
}

func (p *portalScreen) start(what string, call func(ctx context.Context, progress func(tenant.Check)) (any, error)) tea.Cmd {
	p.flash, p.what = "", what
	return p.val.start(call)
}

// validateNewCredentials validates what the secret pane holds; the stored
// credentials are replaced only if it passes (usecase.NewCredentials).
func (p *portalScreen) validateNewCredentials(pn *secretPane) tea.Cmd {
	app, ok := pn.app()
	if !ok {
		return nil
	}
	p.pane = nil // the typed secret is not kept on screen
	opened, cases := pn.opened, p.c.cases
	what := "Validating the new secret (the stored one is kept unless it passes)…"
	if p.pending() {
		what = "Validating the credentials (they are saved only if they pass)…"
	}
	return p.start(what, func(ctx context.Context, progress func(tenant.Check)) (any, error) {
		return cases.NewCredentials(ctx, opened, app, progress)
	})
}

// finish shows what a use case run from the page did.
func (p *portalScreen) finish(d *doneMsg) {
	p.scroll = 0
	out, _ := d.result.(usecase.Outcome)
	if d.err != nil {
		p.flash, p.bad = d.err.Error(), true
		if errors.Is(d.err, usecase.ErrStale) {
			p.reload()
		}
		return
	}
	r := out.Report
	switch {
	case out.Unchanged:
		p.flash, p.bad = "That is the secret already stored: nothing changed.", false
	case r == nil:
	case !out.Saved && !r.Passed():
		p.failed = r
		p.flash, p.bad = "The new secret failed validation; the stored one was not changed.", true
	case r.Trigger == tenant.TriggerRevalidated:
		p.flash, p.bad = "Validation recorded: "+present.Verdict(r.Status), !r.Passed()
	case r.Trigger == tenant.TriggerCredentials:
		p.failed = nil
		p.flash, p.bad = "Credentials saved after they passed validation; the service is "+out.Service.State.Title()+": "+present.Verdict(r.Status), false
	default:
		p.failed = nil
		p.flash, p.bad = "Client secret replaced after it passed validation: "+present.Verdict(r.Status), false
	}
	p.reload()
}

func (p *portalScreen) saveEdit(pn *editPane) tea.Cmd {
	done, err := p.c.cases.EditService(pn.opened, pn.edit())
	p.pane = nil
	if err != nil {
		p.flash, p.bad = fmt.Sprintf("could not save: %v", err), true
		p.reload()
		return nil
	}
	p.reload()
	p.flash, p.bad = done.Said, false
	if done.CheckAdmin {
		name, cases := p.name, p.c.cases
		return p.start("Checking the new customer admin (validating)…", func(ctx context.Context, progress func(tenant.Check)) (any, error) {
			return cases.Revalidate(ctx, name, progress)
		})
	}
	return nil
}

func (p *portalScreen) view() string {
	s := p.c.styles
	if p.err != "" {
		return s.Error.Render(p.err)
	}
	switch {
	case p.val.running():
		return p.val.view(p.c, p.what)
	case p.pane != nil:
		return p.pane.view()
	}
	var b strings.Builder
	if p.flash != "" {
		b.WriteString(outcome(s, p.flash, p.bad, p.c.width) + "\n\n")
	}
	if p.deleting {
		b.WriteString(s.Warning.Render(fmt.Sprintf("Delete service %s and its whole validation history? (y/n)", p.name)) + "\n\n")
	}
	body := p.facts()
	if p.failed != nil {
		body = s.Heading.Render("The new secret's validation (not saved)") + "\n" + reportDetails(p.c, p.failed) + "\n\n" + body
	}
	b.WriteString(scrolled(body, p.scroll, p.c.bodyHeight()-strings.Count(b.String(), "\n")))
	return b.String()
}

// facts renders the M365 Configuration of the portal's step 12 from the
// presentation model, and the last validation's checks.
func (p *portalScreen) facts() string {
	s := p.c.styles
	page := present.PageOf(p.svc, p.c.clock())
	head := s.Heading.Render(page.Name)
	if page.FullName != "" {
		head += " " + page.FullName
	}
	head += s.Faint.Render(" · "+page.Customer+" · Direct Routing · ") + toneStyle(s, page.StateTone).Render(page.State)
	out := wrap(head, p.c.width) + "\n\n" + s.Heading.Render("M365 Configuration") + "\n" + rowsView(s, page.Rows, p.c.width)
	if page.Pending && !p.svc.HasCredentials() {
		out += "\n\n" + wrap(s.Warning.Render("Pending authentication: press s to add the credentials the admin sends (c copies these instructions)."), p.c.width) + "\n\n" + present.Instructions(page.Name, nil)
	} else if page.Pending {
		out += "\n\n" + wrap(s.Warning.Render("Pending authentication: the credentials are kept; press v once the customer's admin has fixed the tenant (c copies what to fix)."), p.c.width)
	}
	if page.Last != nil {
		out += "\n\n" + checkGroups(s, page.Last.Groups, p.c.width)
	}
	return out
}
