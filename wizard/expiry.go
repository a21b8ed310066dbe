package wizard

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/present"
	"onboard/tenant/usecase"
)

// The Secret expiry screen: every service by days until its secret
// expires (unknown last), coloured by urgency, and Validate all with a
// progress bar that can be cancelled.

// expiryRow is one line of the list: a service's summary as a list row,
// with its sort keys computed once (sorting 10,000 rows compares them some
// 130,000 times).
type expiryRow struct {
	present.ListRow
	hasSecret bool
	days      *int
	nameKey   string
}

// manyProgressMsg says that a batch of Validate all's reports was written.
type manyProgressMsg struct {
	run   int
	batch []usecase.Validated
}

type manyDoneMsg struct {
	run int
	res usecase.AllResult
	err error
}

type expiryScreen struct {
	c      *common
	rows   []expiryRow
	cursor int
	offset int
	err    string

	job     *job
	total   int
	done    int
	counts  map[tenant.Status]int
	failed  []string // errors recording results
	summary string
	bad     bool
}

func newExpiryScreen(c *common) *expiryScreen {
	e := &expiryScreen{c: c}
	e.load()
	for i, r := range e.rows {
		if r.Name == c.expiryCursor {
			e.cursor = i
		}
	}
	return e
}

func (e *expiryScreen) load() {
	sums, err := e.c.cases.Store().ListSummaries()
	if err != nil {
		e.err = fmt.Sprintf("could not read the services: %v", err)
	}
	e.rows = expiryRows(e.c.clock(), sums)
	e.cursor = min(e.cursor, max(len(e.rows)-1, 0))
}

// expiryRows are the services by days until their secret expires, the
// soonest first and unknown last, then by name: the list of both modes.
func expiryRows(clock present.Clock, sums []tenant.Summary) []expiryRow {
	rows := make([]expiryRow, len(sums))
	for i, s := range sums {
		rows[i] = expiryRow{ListRow: present.ListRowOf(s, clock), hasSecret: s.HasSecret, days: s.Expiry(clock.Now).Days, nameKey: tenant.NameKey(s.Name)}
	}
	slices.SortStableFunc(rows, func(a, b expiryRow) int {
		return cmp.Or(compareDays(a.days, b.days), strings.Compare(a.nameKey, b.nameKey))
	})
	return rows
}

func (e *expiryScreen) title() string { return "Secret expiry" }
func (e *expiryScreen) busy() bool    { return e.job != nil }
func (e *expiryScreen) typing() bool  { return false }
func (e *expiryScreen) stop()         { e.job.stop(); e.job.wait() }

func (e *expiryScreen) bindings() []key.Binding {
	k := e.c.keys
	if e.job != nil {
		return []key.Binding{withHelp(k.Back, "cancel"), k.Cancel}
	}
	return []key.Binding{k.Move, k.Open, k.ValidateAll, k.Back}
}

func (e *expiryScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case changedMsg:
		if e.job == nil {
			e.load()
		}
		return nil
	case manyProgressMsg:
		if e.job == nil || msg.run != e.job.run {
			return nil
		}
		e.done += len(msg.batch)
		for _, v := range msg.batch {
			if v.Err != nil {
				e.failed = append(e.failed, v.Err.Error())
				continue
			}
			e.counts[v.Report.Status]++
		}
		return e.job.next()
	case manyDoneMsg:
		if e.job == nil || msg.run != e.job.run {
			return nil
		}
		e.job = nil
		if msg.err != nil {
			e.failed = append(e.failed, msg.err.Error())
		}
		e.finish(false)
		return nil
	case tea.KeyMsg:
		k := e.c.keys
		if e.job != nil {
			if key.Matches(msg, k.Back, k.Cancel) {
				e.stop() // and let the results that arrived be written
				e.job = nil
				e.finish(true)
			}
			return nil
		}
		h := e.listHeight()
		switch {
		case key.Matches(msg, k.Back):
			e.c.expiryCursor = ""
			return navigate(stateMenu)
		case key.Matches(msg, k.Up):
			e.cursor = max(e.cursor-1, 0)
		case key.Matches(msg, k.Down):
			e.cursor = min(e.cursor+1, max(len(e.rows)-1, 0))
		case key.Matches(msg, k.PageDown):
			e.cursor = min(e.cursor+h, max(len(e.rows)-1, 0))
		case key.Matches(msg, k.PageUp):
			e.cursor = max(e.cursor-h, 0)
		case key.Matches(msg, k.Open):
			if len(e.rows) > 0 {
				e.c.expiryCursor = e.rows[e.cursor].Name
				return openService(e.c.expiryCursor, stateExpiry)
			}
		case key.Matches(msg, k.ValidateAll):
			return e.validateAll()
		}
	}
	return nil
}

// validateAll re-validates every service that has credentials, recording
// the reports as they arrive, so a cancel keeps what was already done.
func (e *expiryScreen) validateAll() tea.Cmd {
	e.total = 0
	for _, r := range e.rows {
		if r.hasSecret {
			e.total++
		}
	}
	e.summary, e.failed = "", nil
	e.counts = map[tenant.Status]int{}
	e.done = 0
	if e.total == 0 {
		e.summary, e.bad = "No service has credentials to validate.", true
		return nil
	}
	cases := e.c.cases
	e.job = startJob(func(ctx context.Context, run int, send func(tea.Msg)) {
		res, err := cases.ValidateAll(ctx, nil, usecase.AllConcurrency, func(batch []usecase.Validated, _ int) {
			send(manyProgressMsg{run: run, batch: batch})
		})
		send(manyDoneMsg{run: run, res: res, err: err})
	})
	return e.job.next()
}

func (e *expiryScreen) finish(cancelled bool) {
	parts := []string{fmt.Sprintf("%d pass", e.counts[tenant.StatusPass]), fmt.Sprintf("%d warn", e.counts[tenant.StatusWarn]), fmt.Sprintf("%d fail", e.counts[tenant.StatusFail])}
	e.summary = fmt.Sprintf("Validated %d of %d services with credentials: %s.", e.done, e.total, strings.Join(parts, ", "))
	if cancelled {
		e.summary = fmt.Sprintf("Cancelled after %d of %d services (%s); those results are recorded.", e.done, e.total, strings.Join(parts, ", "))
	}
	e.bad = cancelled || e.counts[tenant.StatusFail] > 0 || len(e.failed) > 0
	if len(e.failed) > 0 {
		e.summary += " Could not record: " + strings.Join(e.failed, "; ")
	}
	e.load()
}

// listHeight is the rows left under the status lines and the table head.
func (e *expiryScreen) listHeight() int {
	return max(e.c.bodyHeight()-strings.Count(e.status(), "\n")-3, 1)
}

// status is the lines above the table: an error, the progress bar or the
// last run's summary (wrapped, it can be long), or what v does.
func (e *expiryScreen) status() string {
	s := e.c.styles
	var b strings.Builder
	if e.err != "" {
		b.WriteString(wrap(s.Error.Render(e.err), e.c.width) + "\n")
	}
	switch {
	case e.job != nil:
		pct := 0.0
		if e.total > 0 {
			pct = float64(e.done) / float64(e.total)
		}
		b.WriteString(progressBar(pct, min(max(e.c.width-24, 16), 66)) + fmt.Sprintf("  %d/%d  (esc cancels)", e.done, e.total) + "\n")
	case e.summary != "":
		st := s.Success
		if e.bad {
			st = s.Warning
		}
		b.WriteString(wrap(st.Render(e.summary), e.c.width) + "\n")
	default:
		b.WriteString(s.Faint.Render("Press v to re-validate every service with credentials.") + "\n")
	}
	return b.String()
}

func (e *expiryScreen) view() string {
	s := e.c.styles
	var b strings.Builder
	b.WriteString(e.status())
	b.WriteString("\n")
	nameW := 15
	custW := max(e.c.width-nameW-12-14-12-6, 8)
	b.WriteString(s.TableHead.Render("  "+pad("Name", nameW)+" "+pad("Customer", custW)+" "+pad("Expires", 12)+" "+pad("Days left", 14)+" "+pad("Verdict", 12)) + "\n")
	if len(e.rows) == 0 {
		b.WriteString(s.Faint.Render("  no services yet"))
		return b.String()
	}
	h := e.listHeight()
	if e.cursor < e.offset {
		e.offset = e.cursor
	}
	if e.cursor >= e.offset+h {
		e.offset = e.cursor - h + 1
	}
	for i := e.offset; i < min(e.offset+h, len(e.rows)); i++ {
		r := e.rows[i]
		name := pad(r.Name, nameW)
		if i == e.cursor {
			name = s.Selected.Render("> " + name)
		} else {
			name = "  " + name
		}
		days, st := r.Days, toneStyle(s, r.DaysTone)
		if !r.hasSecret {
			days, st = "pending auth", s.Faint
		}
		verdict := toneStyle(s, r.VerdictTone).Render(pad(r.Verdict, 12))
		b.WriteString(name + " " + pad(r.Customer, custW) + " " + pad(r.Expires, 12) + " " + st.Render(pad(days, 14)) + " " + verdict + "\n")
	}
	return b.String()
}
