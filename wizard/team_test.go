package wizard

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
)

// watchedStore is a store with a change feed the test drives, as a team
// database's LISTEN/NOTIFY would.
type watchedStore struct {
	usecase.Store
	feed chan usecase.Change
}

func (w watchedStore) Changes(ctx context.Context) (<-chan usecase.Change, error) {
	out := make(chan usecase.Change)
	go func() {
		defer close(out)
		for {
			select {
			case c := <-w.feed:
				select {
				case out <- c:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// A teammate's change appears on the Services screen and on an open
// service page without a restart.
func TestTeammatesChangesAppear(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	w := watchedStore{Store: e.store, feed: make(chan usecase.Change, 4)}
	opts := Options{Cases: usecase.New(w, e.v, usecase.Options{Now: nowFn})}
	p := startProg(t, opts)
	p.waitFor("Add service")
	p.key(tea.KeyDown)
	p.enter()
	p.waitFor("1 of 1 services")

	// The teammate adds a service.
	e.validated(t, "fab-1", "Fabrikam", demoTenant(t, "Fabrikam"))
	p.setMark()
	w.feed <- usecase.Change{Customer: "Fabrikam", Service: "fab-1"}
	p.waitFor("2 of 2 services")
	p.waitFor("fab-1")

	// The teammate edits the service open here.
	p.enter() // ctso-dr1 (sorted first)
	p.waitFor("M365 Configuration")
	if err := e.store.UpdateService("ctso-dr1", 0, func(s *tenant.Service) error { s.Users = 321; return nil }); err != nil {
		t.Fatal(err)
	}
	p.setMark()
	w.feed <- usecase.Change{Customer: "Contoso Ltd", Service: "ctso-dr1"}
	p.waitFor("321 users")
	p.quit()
}

// The Audit trail screen lists every write, newest first, and filters.
func TestAuditTrailScreen(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	e.validated(t, "fab-1", "Fabrikam", demoTenant(t, "Fabrikam"))
	h := newHarness(t, e.options())
	h.menuTo(4)
	h.contains("service added fab-1")
	h.contains("4 of 4 entries, newest first")
	h.typ("ctso")
	h.contains("1 of 4 entries")
	if strings.Contains(h.view(), "fab-1") {
		t.Error("the filter kept another service's entry")
	}
}

// The customer admin can be edited after creation and is checked at once;
// one that does not exist is marked on the page, and roles that could not
// be read say unknown, not a dash.
func TestAdminEditedAndRechecked(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	h := newHarness(t, e.options())
	h.menuTo(1)
	h.enter()
	h.typ("e")
	h.key(tea.KeyTab)
	h.key(tea.KeyTab) // the admin (the expiry is read by Graph: no field for it)
	h.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.typ("nobody@contoso.com")
	h.enter()
	h.contains("Validation recorded")
	h.contains("nobody@contoso.com  (not found in the tenant at the last validation)")
	svc, _ := e.store.GetService("ctso-dr1")
	if svc.App.AdminUser != "nobody@contoso.com" || svc.LastValidation.Trigger != "re-validated" {
		t.Errorf("admin %q, last validation %s", svc.App.AdminUser, svc.LastValidation.Trigger)
	}
}

// An edit made on a copy a teammate changed meanwhile is refused with who
// changed it, and the teammate's change stays (the page reloads on the
// change, but the open form keeps the copy it was opened on).
func TestStaleEditIsRefusedNotApplied(t *testing.T) {
	e := newEnv(t, entrasim.Demo(testNow))
	e.validated(t, "ctso-dr1", "Contoso Ltd", demoTenant(t, "Contoso"))
	teammate := usecase.New(e.store, e.v, usecase.Options{Now: nowFn, Actor: usecase.Actor{Engineer: "bob"}})
	h := newHarness(t, e.options())
	h.menuTo(1)
	h.enter()
	h.typ("e")
	h.key(tea.KeyTab)
	h.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.typ("40")
	// Bob changes the users meanwhile; his change reaches this screen.
	opened, _ := e.store.GetService("ctso-dr1")
	users := "30"
	if _, err := teammate.EditService(opened, usecase.Edit{Users: &users}); err != nil {
		t.Fatal(err)
	}
	h.send(changedMsg{usecase.Change{Customer: "Contoso Ltd", Service: "ctso-dr1"}})
	h.enter()
	h.contains("since you opened it")
	if svc, _ := e.store.GetService("ctso-dr1"); svc.Users != 30 {
		t.Errorf("users %d: the stale edit overwrote the teammate's 30", svc.Users)
	}
}
