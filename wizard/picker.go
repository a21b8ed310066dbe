package wizard

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// option is one line of a picker.
type option struct {
	label string
	desc  string
	value string
	// always keeps the option visible whatever the filter ("New customer…").
	always bool
	search string // label and desc, lower-cased once
}

// picker is a vertical list of options with a cursor, optionally filtered
// by typing. It is the wizard's one way of choosing among things.
type picker struct {
	c          *common
	options    []option
	shown      []int // indexes of options matching the filter
	cursor     int   // index into shown
	filterable bool
	filter     textinput.Model
}

func newPicker(c *common, filterable bool, opts ...option) *picker {
	p := &picker{c: c, filterable: filterable}
	if filterable {
		p.filter = textinput.New()
		p.filter.Prompt = "Filter: "
		p.filter.Placeholder = "type to filter"
		p.filter.CharLimit = 200
		p.filter.Cursor.SetMode(cursor.CursorStatic)
		p.filter.Focus()
	}
	p.setOptions(opts)
	return p
}

func (p *picker) setOptions(opts []option) {
	for i := range opts {
		opts[i].search = strings.ToLower(opts[i].label + " " + opts[i].desc)
	}
	p.options = opts
	p.refilter()
}

func (p *picker) refilter() {
	q := ""
	if p.filterable {
		q = strings.ToLower(strings.TrimSpace(p.filter.Value()))
	}
	p.shown = p.shown[:0]
	for i, o := range p.options {
		if q == "" || o.always || strings.Contains(o.search, q) {
			p.shown = append(p.shown, i)
		}
	}
	// Put the cursor on the first real match, not on an always-shown option.
	p.cursor = 0
	if q != "" {
		for i, idx := range p.shown {
			if !p.options[idx].always {
				p.cursor = i
				break
			}
		}
	}
}

// selectValue puts the cursor on the option with value v, if shown.
func (p *picker) selectValue(v string) {
	for i, idx := range p.shown {
		if p.options[idx].value == v {
			p.cursor = i
			return
		}
	}
}

// selected is the option under the cursor; ok is false when none is shown.
func (p *picker) selected() (option, bool) {
	if len(p.shown) == 0 {
		return option{}, false
	}
	return p.options[p.shown[p.cursor]], true
}

// update moves the cursor or edits the filter. It reports whether the key
// was used, so the screen can handle the rest (enter, esc …).
func (p *picker) update(msg tea.KeyMsg) bool {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.Up):
		if p.cursor > 0 {
			p.cursor--
		}
		return true
	case key.Matches(msg, k.Down):
		if p.cursor < len(p.shown)-1 {
			p.cursor++
		}
		return true
	}
	if !p.filterable {
		return false
	}
	switch msg.Type {
	case tea.KeyRunes, tea.KeySpace, tea.KeyBackspace, tea.KeyDelete, tea.KeyLeft, tea.KeyRight, tea.KeyCtrlU, tea.KeyCtrlW:
		before := p.filter.Value()
		p.filter, _ = p.filter.Update(msg)
		if p.filter.Value() != before {
			p.refilter()
		}
		return true
	}
	return false
}

// clearFilter empties the filter; it reports whether there was one (Esc
// first clears the filter, then goes back).
func (p *picker) clearFilter() bool {
	if !p.filterable || p.filter.Value() == "" {
		return false
	}
	p.filter.SetValue("")
	p.refilter()
	return true
}

// view renders at most h lines, keeping the cursor visible.
func (p *picker) view(h int) string {
	s := p.c.styles
	var b strings.Builder
	if p.filterable {
		b.WriteString(p.filter.View())
		b.WriteString("\n\n")
		h -= 2
	}
	if len(p.shown) == 0 {
		b.WriteString(s.Faint.Render("  nothing matches the filter"))
		return b.String()
	}
	h = max(h, 1)
	start := 0
	if p.cursor >= h {
		start = p.cursor - h + 1
	}
	end := min(start+h, len(p.shown))
	for i := start; i < end; i++ {
		o := p.options[p.shown[i]]
		line := "  " + o.label
		if i == p.cursor {
			line = s.Selected.Render("> " + o.label)
		}
		if o.desc != "" {
			line += "  " + s.Faint.Render(o.desc)
		}
		b.WriteString(line)
		if i < end-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
