package wizard

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant/present"
	"onboard/tenant/usecase"
)

// The Audit trail screen: every write to the database — who, when, from
// which host, what changed — newest first, filtered as you type. A team
// database's entries come from every engineer; the list follows them.

type auditScreen struct {
	c    *common
	list *picker
	n    int
	err  string
}

func newAuditScreen(c *common) *auditScreen {
	a := &auditScreen{c: c}
	a.load()
	return a
}

func (a *auditScreen) load() {
	entries, err := a.c.cases.Store().Audit(usecase.AuditFilter{})
	if err != nil {
		a.err = fmt.Sprintf("could not read the audit trail: %v", err)
	}
	clock := a.c.clock()
	opts := make([]option, len(entries))
	for i, e := range entries {
		opts[i] = option{label: auditLine(clock, e), desc: e.Detail, value: fmt.Sprint(i)}
	}
	filter := ""
	if a.list != nil {
		filter = a.list.filter.Value()
	}
	a.list = newPicker(a.c, true, opts...)
	if filter != "" {
		a.list.filter.SetValue(filter)
		a.list.refilter()
	}
	a.n = len(entries)
}

// auditLine is an entry in one line: when, who, what, on which service.
func auditLine(c present.Clock, e usecase.AuditEntry) string {
	what := e.Action
	if e.Service != "" {
		what += " " + e.Service
	} else if e.Customer != "" {
		what += " " + e.Customer
	}
	who := present.Or(e.Engineer)
	if e.Host != "" {
		who += "@" + e.Host
	}
	return c.Time(e.At) + "  " + who + "  " + what
}

func (a *auditScreen) title() string { return "Audit trail" }
func (a *auditScreen) busy() bool    { return false }
func (a *auditScreen) stop()         {}
func (a *auditScreen) typing() bool  { return true }
func (a *auditScreen) bindings() []key.Binding {
	k := a.c.keys
	return []key.Binding{k.Filter, k.Move, k.Back}
}

func (a *auditScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case changedMsg:
		a.load()
	case tea.KeyMsg:
		if key.Matches(msg, a.c.keys.Back) {
			if a.list.clearFilter() {
				return nil
			}
			return navigate(stateMenu)
		}
		a.list.update(msg)
	}
	return nil
}

func (a *auditScreen) view() string {
	s := a.c.styles
	var b strings.Builder
	if a.err != "" {
		b.WriteString(s.Error.Render(a.err) + "\n")
	}
	if a.n == 0 {
		b.WriteString(s.Faint.Render("Nothing written yet."))
		return b.String()
	}
	b.WriteString(a.list.view(a.c.bodyHeight() - 2 - strings.Count(b.String(), "\n")))
	b.WriteString("\n\n" + s.Faint.Render(fmt.Sprintf("%d of %d entries, newest first · never a secret", len(a.list.shown), a.n)))
	return b.String()
}

// audit reads out the newest entries of the audit trail.
func (a *accessible) audit() error {
	entries, err := a.c.cases.Store().Audit(usecase.AuditFilter{})
	if err != nil {
		a.say("Could not read the audit trail: " + err.Error())
		return nil
	}
	if len(entries) == 0 {
		a.say("Nothing written yet.")
		return nil
	}
	clock := a.c.clock()
	shown := min(len(entries), 30)
	a.say(fmt.Sprintf("The %d newest of %d entries:", shown, len(entries)))
	for _, e := range entries[:shown] {
		line := auditLine(clock, e)
		if e.Detail != "" {
			line += ": " + e.Detail
		}
		a.say("- " + line)
	}
	return nil
}
