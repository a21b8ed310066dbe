package wizard

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"onboard/store/storetest"
	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entra/entratest"
	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
)

func TestMain(m *testing.M) {
	// Golden files and output scans are compared without colours.
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// testNow is the fixed clock of every test: the directory, the validator
// and the wizard all use it, so days-until-expire never depend on the day
// the tests run.
var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func nowFn() time.Time { return testNow }

// demo credentials by label prefix.
func demoTenant(t testing.TB, prefix string) entrasim.DemoTenant {
	t.Helper()
	for _, d := range entrasim.DemoTenants(testNow) {
		if strings.HasPrefix(d.Label, prefix) {
			return d
		}
	}
	t.Fatalf("no demo tenant %q", prefix)
	return entrasim.DemoTenant{}
}

// env is a real store in a temporary directory and the real validator
// against the simulated directory.
type env struct {
	store usecase.Store
	srv   *entrasim.Server
	v     *entra.Validator
}

func newEnv(t testing.TB, dir entrasim.Directory) *env {
	t.Helper()
	srv, v := entratest.Validator(t, dir, nowFn)
	return &env{store: storetest.Bolt(t, nowFn), srv: srv, v: v}
}

func (e *env) options() Options {
	return Options{Cases: e.cases()}
}

func (e *env) cases() *usecase.Cases {
	return usecase.New(e.store, e.v, usecase.Options{Now: nowFn})
}

// validated creates a service directly in the store with d's credentials
// and the report of a real validation.
func (e *env) validated(t testing.TB, name, customer string, d entrasim.DemoTenant) tenant.Service {
	t.Helper()
	if _, err := e.store.GetCustomer(customer); err != nil {
		if _, err := e.store.CreateCustomer(customer); err != nil {
			t.Fatal(err)
		}
	}
	in := tenant.ServiceInput{Customer: customer, Name: name, License: "pro", Users: "20",
		TenantID: d.TenantID, ClientID: d.ClientID, Secret: d.Secret, AdminUser: d.AdminUPN, UseKnownApp: true}
	svc, _, err := in.Parse(testNow)
	if err != nil {
		t.Fatal(err)
	}
	r := e.v.Validate(t.Context(), tenant.CredentialsOf(svc), nil)
	r.Trigger = tenant.TriggerCreated
	svc.Apply(r)
	if err := e.store.CreateService(svc); err != nil {
		t.Fatal(err)
	}
	svc, err = e.store.GetService(name)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// --- a synchronous driver for golden files and direct model tests ---

// harness feeds messages to the model and runs the commands it returns
// until they settle, dropping spinner ticks (animation, not behaviour).
type harness struct {
	t    testing.TB
	m    tea.Model
	quit bool
	// seen, when set, is called with every message after the model took it.
	seen func(tea.Msg)
	// secrets, once set, must not appear in any frame drawn after that.
	secrets []string
}

// leaked reports which of secrets (whole, or its first or last ten
// characters) text shows.
func leaked(text string, secrets ...string) string {
	for _, s := range secrets {
		for _, part := range []string{s, s[:min(10, len(s))], s[max(len(s)-10, 0):]} {
			if strings.Contains(text, part) {
				return part
			}
		}
	}
	return ""
}

// noSecret fails the test if text shows (a part of) one of secrets.
func noSecret(t testing.TB, where, text string, secrets ...string) {
	t.Helper()
	if part := leaked(text, secrets...); part != "" {
		t.Fatalf("%s shows (a part of) a typed secret: %q", where, part)
	}
}

func newHarness(t testing.TB, opts Options) *harness {
	h := &harness{t: t, m: New(opts)}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	return h
}

func (h *harness) send(msg tea.Msg) {
	m, cmd := h.m.Update(msg)
	h.m = m
	if h.seen != nil {
		h.seen(msg)
	}
	if len(h.secrets) > 0 {
		h.t.Helper()
		noSecret(h.t, "a frame", h.m.View(), h.secrets...)
	}
	h.run(cmd)
}

func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil, spinner.TickMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	case tea.QuitMsg:
		h.quit = true
	default:
		h.send(msg)
	}
}

func (h *harness) typ(s string) {
	for _, r := range s {
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func (h *harness) key(k tea.KeyType) { h.send(tea.KeyMsg{Type: k}) }
func (h *harness) enter()            { h.key(tea.KeyEnter) }
func (h *harness) esc()              { h.key(tea.KeyEsc) }

// view is the current frame without colours or attributes.
func (h *harness) view() string { return ansi.Strip(h.m.View()) }

func (h *harness) root() *model { return h.m.(*model) }

func (h *harness) flow() *addFlow {
	h.t.Helper()
	f, ok := h.root().screen.(*addFlow)
	if !ok {
		h.t.Fatalf("not in the add flow: %T\n%s", h.root().screen, h.view())
	}
	return f
}

func (h *harness) portal() *portalScreen {
	h.t.Helper()
	p, ok := h.root().screen.(*portalScreen)
	if !ok {
		h.t.Fatalf("not on a service page: %T\n%s", h.root().screen, h.view())
	}
	return p
}

func (h *harness) contains(s string) {
	h.t.Helper()
	// Compare with whitespace collapsed: messages wrap at the screen's width.
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	if !strings.Contains(flat(h.view()), flat(s)) {
		h.t.Fatalf("screen does not show %q:\n%s", s, h.view())
	}
}

// --- the real program, through teatest ---

// waitTimeout is generous: the tests run on a loaded 2-core machine.
const waitTimeout = 20 * time.Second

// prog drives the real Bubble Tea program and keeps its whole output, so a
// test can also scan every frame that was ever written.
type prog struct {
	t    *testing.T
	tm   *teatest.TestModel
	all  bytes.Buffer
	mark int
}

func startProg(t *testing.T, opts Options) *prog {
	tm := teatest.NewTestModel(t, New(opts), teatest.WithInitialTermSize(80, 24))
	return &prog{t: t, tm: tm}
}

// waitFor waits until s was written after the last key sent.
func (p *prog) waitFor(s string) {
	p.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		if _, err := io.Copy(&p.all, p.tm.Output()); err != nil {
			p.t.Fatal(err)
		}
		if strings.Contains(ansi.Strip(string(p.all.Bytes()[p.mark:])), s) {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("waited %s for %q; output since the last key:\n%s", waitTimeout, s, ansi.Strip(string(p.all.Bytes()[p.mark:])))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitForMasked waits for the frame that shows secret typed in full, as
// bullets: the renderer skips frames when keys come fast, and a test that
// scans the output for the secret needs the frame that would show it.
func (p *prog) waitForMasked(secret string) {
	p.t.Helper()
	p.waitFor(strings.Repeat("•", len([]rune(secret))))
}

// send sends a key; waitFor then looks at what was written after it.
func (p *prog) send(msg tea.Msg) {
	p.setMark()
	p.tm.Send(msg)
}

func (p *prog) setMark() {
	if _, err := io.Copy(&p.all, p.tm.Output()); err != nil {
		p.t.Fatal(err)
	}
	p.mark = p.all.Len()
}

// typ types s. waitFor then looks at everything written since the first
// character: a message may appear after the third key and not be redrawn
// by the later ones (the renderer only rewrites lines that change).
func (p *prog) typ(s string) {
	p.setMark()
	for _, r := range s {
		p.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func (p *prog) key(k tea.KeyType) { p.send(tea.KeyMsg{Type: k}) }
func (p *prog) enter()            { p.key(tea.KeyEnter) }
func (p *prog) esc()              { p.key(tea.KeyEsc) }

// quit ends the program with ctrl+c and returns the final root model.
func (p *prog) quit() *model {
	p.t.Helper()
	// With unsaved input the first ctrl+c asks and the second quits;
	// without, the first quits and the second is not delivered.
	p.key(tea.KeyCtrlC)
	p.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	m := p.tm.FinalModel(p.t, teatest.WithFinalTimeout(waitTimeout))
	if _, err := io.Copy(&p.all, p.tm.Output()); err != nil {
		p.t.Fatal(err)
	}
	return m.(*model)
}

// demoList is the demo directory's tenants as --demo hands them over.
func demoList() []DemoTenant {
	var out []DemoTenant
	for _, d := range entrasim.DemoTenants(testNow) {
		out = append(out, DemoTenant(d))
	}
	return out
}
