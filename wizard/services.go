package wizard

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/present"
)

// The Services screen: a table of every service, filtered as you type and
// sorted by a chosen column. It stays fast with 10,000 services because
// every row's cells and lower-cased search key are computed once, a
// keystroke only rescans those keys, and only the visible rows are drawn.

type serviceRow struct {
	present.ListRow
	nUsers int
	rank   int  // verdict order: pass, warn, fail, never
	nDays  *int // nil: unknown
	search string
	// nameKey and customerKey are the sort keys, computed once: a sort
	// compares 10,000 rows some 130,000 times.
	nameKey, customerKey string
}

type sortColumn int

const (
	sortName sortColumn = iota
	sortCustomer
	sortLicense
	sortUsers
	sortVerdict
	sortDays
	sortColumns
)

var sortNames = [...]string{"name", "customer", "license", "users", "last verdict", "days until expire"}

type servicesScreen struct {
	c      *common
	rows   []serviceRow
	shown  []int
	filter textinput.Model
	sortBy sortColumn
	desc   bool
	cursor int
	offset int
	err    string
}

func newServicesScreen(c *common) *servicesScreen {
	sums, err := c.cases.Store().ListSummaries()
	s := newServicesScreenFrom(c, sums)
	if err != nil {
		s.err = fmt.Sprintf("could not read the services: %v", err)
	}
	if at := c.services; at != nil {
		s.filter.SetValue(at.filter)
		s.filter.CursorEnd()
		s.sortBy, s.desc = at.sortBy, at.desc
		s.sort()
		for i, idx := range s.shown {
			if s.rows[idx].Name == at.selected {
				s.cursor = i
			}
		}
	}
	return s
}

// servicesPlace is where the engineer was in the Services table.
type servicesPlace struct {
	filter   string
	sortBy   sortColumn
	desc     bool
	selected string
}

func newServicesScreenFrom(c *common, sums []tenant.Summary) *servicesScreen {
	s := &servicesScreen{c: c}
	s.filter = textinput.New()
	s.filter.Prompt = "Filter: "
	s.filter.Placeholder = "type a name, customer, license …"
	s.filter.Cursor.SetMode(cursor.CursorStatic)
	s.filter.Focus()
	clock := c.clock()
	s.rows = make([]serviceRow, len(sums))
	for i, sum := range sums {
		r := serviceRow{ListRow: present.ListRowOf(sum, clock), nUsers: sum.Users, rank: 3, nDays: sum.Expiry(clock.Now).Days}
		switch sum.LastStatus {
		case tenant.StatusPass:
			r.rank = 0
		case tenant.StatusWarn:
			r.rank = 1
		case tenant.StatusFail:
			r.rank = 2
		}
		r.nameKey, r.customerKey = tenant.NameKey(sum.Name), tenant.NameKey(sum.Customer)
		r.search = strings.ToLower(strings.Join([]string{sum.Name, sum.FullName, sum.Customer, sum.License.Title(), string(sum.License), r.Verdict, sum.TenantName}, "\x00"))
		s.rows[i] = r
	}
	s.sort()
	return s
}

func (s *servicesScreen) title() string { return "Services" }

// refresh reads the services again (a teammate changed something),
// keeping the filter, the sort and the row under the cursor.
func (s *servicesScreen) refresh() {
	selected := ""
	if len(s.shown) > 0 {
		selected = s.rows[s.shown[s.cursor]].Name
	}
	sums, err := s.c.cases.Store().ListSummaries()
	if err != nil {
		s.err = fmt.Sprintf("could not read the services: %v", err)
		return
	}
	fresh := newServicesScreenFrom(s.c, sums)
	s.rows, s.err = fresh.rows, ""
	s.sort()
	for i, idx := range s.shown {
		if s.rows[idx].Name == selected {
			s.cursor = i
		}
	}
}
func (s *servicesScreen) busy() bool { return false }
func (s *servicesScreen) stop()      {}

func (s *servicesScreen) bindings() []key.Binding {
	k := s.c.keys
	return []key.Binding{k.Filter, k.Move, k.Open, k.Sort, k.Reverse, k.Back}
}

// compare orders rows by the sort column, then by name.
func (s *servicesScreen) compare(a, b *serviceRow) int {
	c := 0
	switch s.sortBy {
	case sortCustomer:
		c = strings.Compare(a.customerKey, b.customerKey)
	case sortLicense:
		c = strings.Compare(a.License, b.License)
	case sortUsers:
		c = cmp.Compare(a.nUsers, b.nUsers)
	case sortVerdict:
		c = cmp.Compare(a.rank, b.rank)
	case sortDays:
		c = compareDays(a.nDays, b.nDays)
	}
	return cmp.Or(c, strings.Compare(a.nameKey, b.nameKey))
}

func (s *servicesScreen) sort() {
	slices.SortStableFunc(s.rows, func(a, b serviceRow) int {
		if s.desc {
			return s.compare(&b, &a)
		}
		return s.compare(&a, &b)
	})
	s.refilter()
}

func (s *servicesScreen) refilter() {
	q := strings.ToLower(strings.TrimSpace(s.filter.Value()))
	s.shown = s.shown[:0]
	for i := range s.rows {
		if q == "" || strings.Contains(s.rows[i].search, q) {
			s.shown = append(s.shown, i)
		}
	}
	s.cursor, s.offset = 0, 0
}

func (s *servicesScreen) update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(changedMsg); ok {
		s.refresh()
		return nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := s.c.keys
	switch {
	case key.Matches(km, k.Back):
		if s.filter.Value() != "" {
			s.filter.SetValue("")
			s.refilter()
			return nil
		}
		s.c.services = nil
		return navigate(stateMenu)
	case key.Matches(km, k.Open):
		if len(s.shown) > 0 {
			name := s.rows[s.shown[s.cursor]].Name
			s.c.services = &servicesPlace{filter: s.filter.Value(), sortBy: s.sortBy, desc: s.desc, selected: name}
			return openService(name, stateServices)
		}
		return nil
	case key.Matches(km, k.Sort):
		s.sortBy = (s.sortBy + 1) % sortColumns
		s.desc = false
		s.sort()
		return nil
	case key.Matches(km, k.Reverse):
		s.desc = !s.desc
		s.sort()
		return nil
	case key.Matches(km, k.Up):
		s.cursor = max(s.cursor-1, 0)
		return nil
	case key.Matches(km, k.Down):
		s.cursor = min(s.cursor+1, max(len(s.shown)-1, 0))
		return nil
	case key.Matches(km, k.PageDown):
		s.cursor = min(s.cursor+s.listHeight(), max(len(s.shown)-1, 0))
		return nil
	case key.Matches(km, k.PageUp):
		s.cursor = max(s.cursor-s.listHeight(), 0)
		return nil
	}
	before := s.filter.Value()
	s.filter, _ = s.filter.Update(km)
	if s.filter.Value() != before {
		s.refilter()
	}
	return nil
}

func (s *servicesScreen) listHeight() int { return max(s.c.bodyHeight()-4, 1) }

// columns are the cell widths at the current terminal width; the customer
// column takes what is left.
func (s *servicesScreen) columns() [6]int {
	fixed := 15 + 11 + 5 + 10 + 12 + 2 + 5
	return [6]int{15, max(s.c.width-fixed, 8), 11, 5, 10, 12}
}

func (s *servicesScreen) view() string {
	st := s.c.styles
	var b strings.Builder
	if s.err != "" {
		b.WriteString(st.Error.Render(s.err) + "\n")
	}
	b.WriteString(s.filter.View() + "\n")
	w := s.columns()
	head := [6]string{"Name", "Customer", "License", "Users", "Verdict", "Expires in"}
	head[s.sortBy] += map[bool]string{false: " ↑", true: " ↓"}[s.desc]
	var hl strings.Builder
	hl.WriteString("  ")
	for i, h := range head {
		hl.WriteString(pad(h, w[i]))
		if i < 5 {
			hl.WriteByte(' ')
		}
	}
	b.WriteString(st.TableHead.Render(hl.String()) + "\n")

	h := s.listHeight()
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+h {
		s.offset = s.cursor - h + 1
	}
	end := min(s.offset+h, len(s.shown))
	for i := s.offset; i < end; i++ {
		r := &s.rows[s.shown[i]]
		name := pad(r.Name, w[0])
		if i == s.cursor {
			b.WriteString(st.Selected.Render("> " + name))
		} else {
			b.WriteString("  " + name)
		}
		b.WriteByte(' ')
		b.WriteString(pad(r.Customer, w[1]) + " " + pad(r.License, w[2]) + " " + pad(r.Users, w[3]) + " ")
		b.WriteString(toneStyle(st, r.VerdictTone).Render(pad(r.Verdict, w[4])) + " " + toneStyle(st, r.DaysTone).Render(pad(r.Days, w[5])) + "\n")
	}
	filled := end - s.offset
	if len(s.shown) == 0 {
		b.WriteString(st.Faint.Render("  no service matches") + "\n")
		filled = 1
	}
	for i := filled; i < h; i++ {
		b.WriteByte('\n')
	}
	b.WriteString("\n" + st.Faint.Render(fmt.Sprintf("%d of %d services · sorted by %s", len(s.shown), len(s.rows), sortNames[s.sortBy])))
	return b.String()
}
