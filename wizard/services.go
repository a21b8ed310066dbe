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

// newServicesScreen lists the services, the table as the engineer left
// it if they are coming back from a service page.
func newServicesScreen(c *common) *servicesScreen {
	sums, err := c.cases.Store().ListSummaries()
	s := newServicesScreenFrom(c, sums, c.services)
	if err != nil {
		s.err = fmt.Sprintf("could not read the services: %v", err)
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

// newServicesScreenFrom is the table of sums, filtered, sorted and with
// the cursor where at says (nil: by name, on the first row).
func newServicesScreenFrom(c *common, sums []tenant.Summary, at *servicesPlace) *servicesScreen {
	s := &servicesScreen{c: c, rows: serviceRows(c.clock(), sums)}
	s.filter = textinput.New()
	s.filter.Prompt = "Filter: "
	s.filter.Placeholder = "type a name, customer, license …"
	s.filter.Cursor.SetMode(cursor.CursorStatic)
	s.filter.Focus()
	selected := ""
	if at != nil {
		s.filter.SetValue(at.filter)
		s.filter.CursorEnd()
		s.sortBy, s.desc, selected = at.sortBy, at.desc, at.selected
	}
	s.sort()
	s.selectName(selected)
	return s
}

// serviceRows are the table's rows: each service's cells, sort keys and
// search key, computed once.
func serviceRows(clock present.Clock, sums []tenant.Summary) []serviceRow {
	rows := make([]serviceRow, len(sums))
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
		rows[i] = r
	}
	return rows
}

// selectName puts the cursor on the service named name, if it is shown.
func (s *servicesScreen) selectName(name string) {
	for i, idx := range s.shown {
		if s.rows[idx].Name == name {
			s.cursor = i
		}
	}
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
	s.rows, s.err = serviceRows(s.c.clock(), sums), ""
	s.sort()
	s.selectName(selected)
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

// column is one column of the table at the current width.
type column struct {
	head  string
	width int
	cell  func(r *serviceRow) string
	tone  func(r *serviceRow) present.Tone
	sort  sortColumn // -1: the table does not sort by it
}

// maxCustomer caps the customer column: on a wide terminal the space
// goes to the tenant's name and the last validation instead.
const maxCustomer = 36

// columns are the table's columns at the current terminal width: the
// customer column takes what is left, up to maxCustomer; a wide terminal
// also shows the tenant's name and when the service was last validated.
func (s *servicesScreen) columns() []column {
	plain := func(*serviceRow) present.Tone { return present.Plain }
	cols := []column{
		{head: "Name", width: 15, cell: func(r *serviceRow) string { return r.Name }, tone: plain, sort: sortName},
		{head: "Customer", cell: func(r *serviceRow) string { return r.Customer }, tone: plain, sort: sortCustomer},
		{head: "License", width: 11, cell: func(r *serviceRow) string { return r.License }, tone: plain, sort: sortLicense},
		{head: "Users", width: 5, cell: func(r *serviceRow) string { return r.Users }, tone: plain, sort: sortUsers},
		{head: "Verdict", width: 10, cell: func(r *serviceRow) string { return r.Verdict }, tone: func(r *serviceRow) present.Tone { return r.VerdictTone }, sort: sortVerdict},
		{head: "Expires in", width: 12, cell: func(r *serviceRow) string { return r.Days }, tone: func(r *serviceRow) present.Tone { return r.DaysTone }, sort: sortDays},
	}
	used := 2 // the cursor's mark
	for _, c := range cols {
		used += c.width + 1
	}
	rest := s.c.width - used
	cols[1].width = max(min(rest, maxCustomer), 8)
	rest -= cols[1].width
	if rest >= 21 {
		cols = append(cols, column{head: "Last validated", width: 20, cell: func(r *serviceRow) string { return r.LastAt }, tone: func(*serviceRow) present.Tone { return present.Faint }, sort: -1})
		rest -= 21
	}
	if rest >= 12 {
		tenantCol := column{head: "Tenant", width: min(rest-1, 40), cell: func(r *serviceRow) string { return r.Tenant }, tone: plain, sort: -1}
		cols = append(cols[:2], append([]column{tenantCol}, cols[2:]...)...)
	}
	return cols
}

func (s *servicesScreen) view() string {
	st := s.c.styles
	var b strings.Builder
	if s.err != "" {
		b.WriteString(st.Error.Render(s.err) + "\n")
	}
	b.WriteString(s.filter.View() + "\n")
	cols := s.columns()
	var hl strings.Builder
	hl.WriteString("  ")
	for i, c := range cols {
		h := c.head
		if c.sort == s.sortBy {
			h += map[bool]string{false: " ↑", true: " ↓"}[s.desc]
		}
		hl.WriteString(pad(h, c.width))
		if i < len(cols)-1 {
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
		for j, c := range cols {
			cell := pad(c.cell(r), c.width)
			switch {
			case j == 0 && i == s.cursor:
				b.WriteString(st.Selected.Render("> " + cell))
			case j == 0:
				b.WriteString("  " + cell)
			default:
				b.WriteString(toneStyle(st, c.tone(r)).Render(cell))
			}
			if j < len(cols)-1 {
				b.WriteByte(' ')
			}
		}
		b.WriteByte('\n')
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
