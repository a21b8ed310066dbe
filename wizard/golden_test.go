package wizard

import (
	"regexp"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"onboard/tenant/entrasim"
)

// Golden files of the main screens at 80×24 without colours. Update them
// with: go test ./wizard/ -run Golden -update

// randomIDs are the simulated directory's per-request trace and
// correlation IDs: the only thing on a screen that changes between runs.
var randomIDs = regexp.MustCompile(`(Correlation|Trace) ID\s+\S+`)

func requireGolden(t *testing.T, h *harness) {
	t.Helper()
	out := randomIDs.ReplaceAllString(h.view(), "$1 ID  <random>")
	golden.RequireEqual(t, []byte(out))
}

func TestGolden(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	contoso, wingtip := demoTenant(t, "Contoso"), demoTenant(t, "Wingtip")
	e.validated(t, "ctso-dr1", "Contoso Ltd", contoso)
	e.validated(t, "nw-main", "Northwind Traders", demoTenant(t, "Northwind"))
	e.validated(t, "tsp-1", "Tailspin Toys", demoTenant(t, "Tailspin"))
	e.validated(t, "adt-voice", "Adatum Corporation", demoTenant(t, "Adatum"))

	h := newHarness(t, e.options())
	t.Run("menu", func(t *testing.T) { requireGolden(t, h) })

	h.enter()
	t.Run("service_type", func(t *testing.T) { requireGolden(t, h) })
	h.enter()
	h.typ("cont")
	t.Run("customer", func(t *testing.T) { requireGolden(t, h) })
	h.enter() // Contoso Ltd: it has an App registration to reuse
	t.Run("tenant", func(t *testing.T) { requireGolden(t, h) })
	h.key(tea.KeyDown)
	h.enter() // Add new tenant
	h.typ("ctso dr")
	t.Run("short_name_rule", func(t *testing.T) { requireGolden(t, h) })
	h.key(tea.KeyBackspace)
	h.key(tea.KeyBackspace)
	h.key(tea.KeyBackspace)
	h.typ("-dr2")
	h.enter()
	h.enter()
	t.Run("license", func(t *testing.T) { requireGolden(t, h) })
	h.enter()
	h.typ("501")
	t.Run("users_rule", func(t *testing.T) { requireGolden(t, h) })
	h.key(tea.KeyBackspace)
	h.enter()
	t.Run("known_app", func(t *testing.T) { requireGolden(t, h) })
	h.enter()
	h.typ(wingtip.TenantID)
	h.enter()
	h.typ(wingtip.ClientID)
	h.enter()
	h.typ(" " + wingtip.Secret)
	t.Run("credentials", func(t *testing.T) { requireGolden(t, h) })
	h.enter()
	h.enter() // no admin: validate
	t.Run("result_fail", func(t *testing.T) { requireGolden(t, h) })

	h.enter() // Edit credentials: the secret Entra ID rejected has the focus
	h.key(tea.KeyShiftTab)
	h.key(tea.KeyShiftTab)
	h.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.typ(contoso.TenantID)
	h.key(tea.KeyTab) // Enter would validate: every other field is done
	h.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.typ(contoso.ClientID)
	h.key(tea.KeyTab)
	h.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.typ(contoso.Secret)
	h.key(tea.KeyTab)
	h.typ(contoso.AdminUPN)
	h.enter()
	t.Run("result_pass", func(t *testing.T) { requireGolden(t, h) })
	h.enter()
	t.Run("m365", func(t *testing.T) { requireGolden(t, h) })
	h.enter()
	t.Run("summary", func(t *testing.T) { requireGolden(t, h) })
	h.enter()
	t.Run("service_page", func(t *testing.T) { requireGolden(t, h) })
	h.typ("h")
	t.Run("history", func(t *testing.T) { requireGolden(t, h) })
	h.esc()

	h.esc()
	h.key(tea.KeyDown)
	h.enter()
	t.Run("services", func(t *testing.T) { requireGolden(t, h) })
	h.typ("toys")
	t.Run("services_filtered", func(t *testing.T) { requireGolden(t, h) })
	h.esc()
	h.esc() // the main menu, its cursor still on Services
	h.key(tea.KeyDown)
	h.key(tea.KeyDown)
	h.enter()
	t.Run("secret_expiry", func(t *testing.T) { requireGolden(t, h) })
	h.esc()
	h.key(tea.KeyUp)
	h.enter()
	t.Run("customers", func(t *testing.T) { requireGolden(t, h) })
}

func TestGoldenPendingInstructions(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	h := newHarness(t, e.options())
	h.enter()
	h.enter()
	h.enter() // New customer…
	h.typ("Fourth Coffee")
	h.enter()
	h.typ("4c-pending")
	h.enter()
	h.enter()
	h.enter()
	h.typ("10")
	h.enter()
	h.typ(" ") // uncheck Use known App registration
	h.enter()
	t.Run("summary", func(t *testing.T) { requireGolden(t, h) })
	h.enter()
	t.Run("instructions", func(t *testing.T) { requireGolden(t, h) })
	h.enter()
	t.Run("service_page", func(t *testing.T) { requireGolden(t, h) })
}

func TestGoldenDemoScreen(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	opts := e.options()
	opts.Demo = demoList()
	h := newHarness(t, opts)
	h.key(tea.KeyDown)
	requireGolden(t, h)
}
