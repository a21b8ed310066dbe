package wizard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"onboard/tenant/present"
	"onboard/tenant/usecase"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Options configure the wizard. Cases is required.
type Options struct {
	// Cases are the use cases the screens call: nothing in the wizard
	// orders store and validator calls itself.
	Cases *usecase.Cases
	// Demo, when non-empty, makes the first screen list the simulated
	// directory's sample tenants with their credentials (--demo).
	Demo []DemoTenant
	// Accessible selects huh's accessible, line-by-line prompts instead of
	// the full-screen interface (ACCESSIBLE=1 or TERM=dumb, decided by cmd).
	Accessible bool
	Input      io.Reader // nil = stdin
	Output     io.Writer // nil = stdout
}

// DemoTenant is one ready-made credential set of --demo's simulated
// directory, shown on the first screen so the engineer can try every
// outcome. (cmd wires the directory; the wizard only shows what it gets.)
type DemoTenant struct {
	Label    string // e.g. "Contoso (healthy)"
	Outcome  string // what validating it shows, one line
	TenantID string
	ClientID string
	Secret   string
	AdminUPN string
	// RightSecret is the secret that works, for a sample whose Secret
	// is wrong on purpose.
	RightSecret string
}

// Run runs the wizard until the engineer quits or ctx is cancelled.
func Run(ctx context.Context, opts Options) error {
	if opts.Cases == nil {
		return errors.New("wizard: the use cases are required")
	}
	if opts.Input == nil {
		opts.Input = os.Stdin
	}
	if opts.Output == nil {
		opts.Output = os.Stdout
	}
	if termenv.EnvNoColor() {
		// lipgloss reads NO_COLOR from stdout's environment too; saying it
		// here also covers an Output that is not stdout.
		lipgloss.SetColorProfile(termenv.Ascii)
	}
	if opts.Accessible {
		return runAccessible(ctx, opts)
	}
	out := serialised(opts.Output)
	root := New(opts)
	root.(*model).common.term = out
	p := tea.NewProgram(root, tea.WithContext(ctx), tea.WithAltScreen(),
		tea.WithInput(opts.Input), tea.WithOutput(out))
	m, err := p.Run()
	rm, _ := m.(*model)
	if rm != nil {
		rm.stopWork()
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ErrInterrupted
	}
	if err != nil {
		return fmt.Errorf("wizard: %w", err)
	}
	if rm != nil && rm.interrupted {
		return ErrInterrupted
	}
	return nil
}

// ErrInterrupted is how Run ends when the engineer quit with ctrl+c (or
// the process was interrupted): a shell expects exit code 130 then, while
// q and Quit end normally.
var ErrInterrupted = errors.New("interrupted")

// New returns the wizard's root model (used by Run, and by tests with teatest).
func New(opts Options) tea.Model {
	c := newCommon(opts)
	m := &model{common: c}
	if len(opts.Demo) > 0 {
		m.state = stateDemo
		m.screen = newDemoScreen(c)
	} else {
		m.state = stateMenu
		m.screen = newMenuScreen(c)
	}
	return m
}

func newCommon(opts Options) *common {
	c := &common{
		cases:  opts.Cases,
		now:    time.Now,
		demo:   opts.Demo,
		styles: defaultStyles(),
		keys:   defaultKeys(),
		help:   help.New(),
		width:  80,
		height: 24,
	}
	if opts.Cases != nil {
		c.now = opts.Cases.Now
	}
	c.help.Styles.ShortKey = c.styles.Accent
	c.help.Styles.ShortDesc = c.styles.Faint
	c.help.Styles.ShortSeparator = c.styles.Faint
	return c
}

// common is what every screen shares: the use cases, the size of the
// terminal, styles and keys.
type common struct {
	cases  *usecase.Cases
	now    func() time.Time
	demo   []DemoTenant
	styles styles
	keys   keyMap
	help   help.Model
	width  int
	height int
	// menuCursor is the main menu entry last chosen.
	menuCursor int
	// services and expiryCursor are how the engineer left the Services
	// table and the Secret expiry list to open a service: Esc from the
	// service page returns to them as they were. Leaving to the menu
	// forgets them.
	services     *servicesPlace
	expiryCursor string
	// allKeys: "?" asked for every key of the screen (helpLines of them).
	allKeys   bool
	helpLines int
	// term is the terminal, for the clipboard sequence (nil in tests
	// that do not look at it).
	term io.Writer
}

// clock is now in the engineer's time zone, for the presentation model.
func (c *common) clock() present.Clock { return present.NewClock(c.now()) }

// bodyHeight is the number of lines a screen may use: the title line, a
// blank line, a blank line and the help lines take the rest.
func (c *common) bodyHeight() int { return max(c.height-3-c.helpLines, 3) }

// state names the screen the root model routes to.
type state int

const (
	stateDemo state = iota
	stateMenu
	stateAdd
	stateServices
	statePortal
	stateCustomers
	stateExpiry
	stateAudit
)

// screen is one screen of the wizard (soft-serve's Component): it updates
// itself, renders its body and names the keys it answers to.
type screen interface {
	update(msg tea.Msg) tea.Cmd
	view() string
	title() string
	bindings() []key.Binding
	// busy reports work in progress (a validation): ctrl+c cancels the
	// work first instead of quitting.
	busy() bool
	// stop cancels any work in progress when the wizard quits.
	stop()
}

// changedMsg says a write was committed to the database (by a teammate,
// or this process): screens showing what it touched read it again.
type changedMsg struct{ usecase.Change }

// dirtyScreen is a screen holding input not saved yet: ctrl+c asks before
// throwing it away.
type dirtyScreen interface {
	dirty() bool
}

// navMsg asks the root to show another screen.
type navMsg struct {
	to      state
	service string // the service to open on the service page
	from    state  // where the service page's Esc returns to
	demo    int    // -1, or the demo tenant whose credentials prefill the add flow
}

func navigate(to state) tea.Cmd {
	return func() tea.Msg { return navMsg{to: to, demo: -1} }
}

// openService shows a service's page; Esc there returns to from.
func openService(name string, from state) tea.Cmd {
	return func() tea.Msg { return navMsg{to: statePortal, service: name, from: from, demo: -1} }
}

// model is the root: it owns the size, the help line and which screen is on.
type model struct {
	common   *common
	state    state
	screen   screen
	quitting bool
	// confirmQuit: ctrl+c was pressed with unsaved input; a second ctrl+c
	// or y quits, any other key stays.
	confirmQuit bool
	// interrupted: the wizard was left with ctrl+c (exit 130), not q.
	interrupted bool
	// changes is the database's change feed (a team database), stopped
	// by stopFeed.
	changes  <-chan usecase.Change
	stopFeed func()
}

// Init listens to a shared database's change feed: when a teammate changes
// something, the screens that show it read it again.
func (m *model) Init() tea.Cmd {
	w, ok := m.common.cases.Store().(usecase.Watcher)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	changes, err := w.Changes(ctx)
	if err != nil {
		cancel()
		return nil
	}
	m.stopFeed, m.changes = cancel, changes
	return m.nextChange()
}

// nextChange waits for the feed's next change.
func (m *model) nextChange() tea.Cmd {
	ch := m.changes
	if ch == nil {
		return nil // no feed (a file database, a test): nothing to wait for
	}
	return func() tea.Msg {
		c, ok := <-ch
		if !ok {
			return nil
		}
		return changedMsg{c}
	}
}

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.common.width, m.common.height = msg.Width, msg.Height
		m.common.help.Width = msg.Width
		return m, m.screen.update(msg)
	case tea.KeyMsg:
		if m.confirmQuit {
			m.confirmQuit = false
			if msg.String() == "ctrl+c" || msg.String() == "y" {
				m.interrupted = true
				return m, m.quit()
			}
			return m, nil // any other key stays, and is not used
		}
		if msg.String() == "?" && !m.typing() {
			m.common.allKeys = !m.common.allKeys
			return m, nil
		}
		if msg.String() == "ctrl+c" && !m.screen.busy() {
			if d, ok := m.screen.(dirtyScreen); ok && d.dirty() {
				m.confirmQuit = true
				return m, nil
			}
			m.interrupted = true
			return m, m.quit()
		}
	case quitMsg:
		return m, m.quit()
	case changedMsg:
		return m, tea.Batch(m.screen.update(msg), m.nextChange())
	case navMsg:
		return m, m.show(msg)
	}
	return m, m.screen.update(msg)
}

type quitMsg struct{}

func quit() tea.Msg { return quitMsg{} }

func (m *model) quit() tea.Cmd {
	m.stopWork()
	m.quitting = true
	return tea.Quit
}

func (m *model) stopWork() {
	if m.screen != nil {
		m.screen.stop()
	}
	if m.stopFeed != nil {
		m.stopFeed()
	}
}

// show switches to the screen n asks for.
func (m *model) show(n navMsg) tea.Cmd {
	m.screen.stop()
	m.state = n.to
	m.screen = screenOf(n.to).open(m.common, n)
	if i, ok := m.screen.(interface{ init() tea.Cmd }); ok {
		return i.init()
	}
	return nil
}

func (m *model) View() string {
	if m.quitting {
		return ""
	}
	c := m.common
	s := c.styles
	top := s.Title.Render("onboard") + s.Faint.Render(" › ") + s.Heading.Render(m.screen.title())
	helpLine := m.helpView()
	if m.confirmQuit {
		helpLine = s.Warning.Render("Quit and lose what was typed? y or ctrl+c quits; any other key stays.")
	}
	c.helpLines = strings.Count(helpLine, "\n") + 1
	body := fitLines(m.screen.view(), c.bodyHeight(), c.width)
	return top + "\n\n" + body + "\n\n" + helpLine
}

// typing reports whether keys go into a text field or a filter, where "?"
// is a character, not a request for help.
func (m *model) typing() bool {
	t, ok := m.screen.(interface{ typing() bool })
	return !ok || t.typing()
}

// helpView is the screen's keys on one line. When they do not all fit, the
// last (esc or quit, how to leave) always stays, the others make room for
// "? more keys", and "?" shows every key over as many lines as needed.
func (m *model) helpView() string {
	c := m.common
	b := m.screen.bindings()
	h := c.help
	h.Width = 0 // measured whole; the cutting is done here
	line := h.ShortHelpView(b)
	if lipgloss.Width(line) <= c.width || len(b) < 2 {
		return line
	}
	more := key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys"))
	if c.allKeys {
		more = key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "fewer keys"))
		var lines []string
		var cur []key.Binding
		for _, k := range append(b, more) {
			if len(cur) > 0 && lipgloss.Width(h.ShortHelpView(append(cur, k))) > c.width {
				lines = append(lines, h.ShortHelpView(cur))
				cur = nil
			}
			cur = append(cur, k)
		}
		return strings.Join(append(lines, h.ShortHelpView(cur)), "\n")
	}
	last := b[len(b)-1]
	var kept []key.Binding
	for _, k := range b[:len(b)-1] {
		if lipgloss.Width(h.ShortHelpView(append(append(kept, k), more, last))) > c.width {
			break
		}
		kept = append(kept, k)
	}
	return h.ShortHelpView(append(append(kept, more), last))
}

// fitLines cuts or pads text to exactly h lines and cuts lines wider than w,
// so the help line stays on the screen whatever a screen renders.
func fitLines(text string, h, w int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = truncate(l, w)
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
