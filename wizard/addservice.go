package wizard

import (
	"errors"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/usecase"
)

// The Add service flow (docs/onboarding.md, the portal's steps 1–11). Each
// step's update and view live in their own file; this file holds what the
// steps share: the typed values, the back stack and the routing. Nothing is
// written to the store before Create service on the summary step.

type addStep int

const (
	stepType addStep = iota
	stepCustomer
	stepNewCustomer
	stepTenant
	stepName
	stepLicense
	stepUsers
	stepKnownApp
	stepCredentials
	stepValidating
	stepResult
	stepM365
	stepSummary
	stepPending
	stepSignIn
)

// stepDef is one step of the flow: its title, its key handler and its
// view, each in the step's own file. The validating step's keys are
// handled by updateKey itself (only cancel), so it has no update.
type stepDef struct {
	title  string
	update func(*addFlow, tea.KeyMsg) tea.Cmd
	view   func(*addFlow) string
}

var steps = [...]stepDef{
	stepType:        {"Service type", (*addFlow).updateType, (*addFlow).viewType},
	stepCustomer:    {"Customer", (*addFlow).updateCustomer, (*addFlow).viewCustomer},
	stepNewCustomer: {"New customer", (*addFlow).updateNewCustomer, (*addFlow).viewNewCustomer},
	stepTenant:      {"Tenant", (*addFlow).updateTenant, (*addFlow).viewTenant},
	stepName:        {"Short name", (*addFlow).updateName, (*addFlow).viewName},
	stepLicense:     {"License type", (*addFlow).updateLicense, (*addFlow).viewLicense},
	stepUsers:       {"Licensed users", (*addFlow).updateUsers, (*addFlow).viewUsers},
	stepKnownApp:    {"App registration", (*addFlow).updateKnownApp, (*addFlow).viewKnownApp},
	stepCredentials: {"Credentials", (*addFlow).updateCredentials, (*addFlow).viewCredentials},
	stepValidating:  {"Validating", nil, (*addFlow).viewValidating},
	stepResult:      {"Validation result", (*addFlow).updateResult, (*addFlow).viewResult},
	stepM365:        {"Microsoft 365 settings", (*addFlow).updateM365, (*addFlow).viewM365},
	stepSummary:     {"Summary", (*addFlow).updateSummary, (*addFlow).viewSummary},
	stepPending:     {"Instructions for the customer's admin", (*addFlow).updatePending, (*addFlow).viewPending},
	stepSignIn:      {"Create the App registration", (*addFlow).updateSignIn, (*addFlow).viewSignIn},
}

// String is the step's title.
func (s addStep) String() string { return steps[s].title }

// addFlow is the Add service wizard.
type addFlow struct {
	c    *common
	step addStep
	back []addStep // steps to return to with Esc

	// in holds everything typed so far, exactly as typed.
	in          tenant.ServiceInput
	newCustomer bool
	// createdApp names the App registration onboard created in the
	// customer's tenant during this flow: cancelling leaves it there.
	createdApp string
	// checkCustomerName is the new customer's name rule and uniqueness
	// among the customers read when the flow opened.
	checkCustomerName func(string) (string, bool)
	// services are the stored services, read once when the flow opens:
	// the short names taken and the App registrations a customer can
	// reuse (the store has the last word on uniqueness when saving).
	services   []tenant.Summary
	takenNames map[string]bool // NameKey of every existing service
	loadErr    string

	typeStep  *picker
	custStep  *picker
	newCust   *form
	custName  *field
	tenants   *picker
	reusable  map[string]tenant.AppRegistration
	prefilled bool // the credentials came from a reused App registration
	nameForm  *form
	shortName *field
	fullName  *field
	licenses  *picker
	usersForm *form
	users     *field
	knownForm *form
	knownApp  *field
	noApp     *picker // without a known App registration: sign in now, or instructions
	signin    *signIn // the admin's sign-in and the creation (signin.go)
	credForm  *form
	cred      credFields
	// demo is the demo tenant whose credentials were filled in last (-1:
	// none); ctrl+d fills in the one after it.
	demo     int
	credNote string

	val    validation
	report *tenant.ValidationReport
	// sharing warns of other services that use the same tenant (another
	// customer's) or the same secret; going on confirms them.
	sharing []string
	// parking: the service is saved pending authentication with the
	// credentials typed, after a failure the customer's admin must fix.
	parking bool
	actions *picker
	scroll  int

	m365Form  *form
	m365      *field
	createErr string
	// note is what the last copy or save on the result or pending step
	// did; noteBad marks a failure.
	note    string
	noteBad bool
	created string // the saved service's name
}

func newAddFlow(c *common, demo int) *addFlow {
	f := &addFlow{c: c, step: stepType, in: tenant.ServiceInput{UseKnownApp: true}, demo: -1}
	f.val = newValidation(c)
	f.typeStep = newPicker(c, false, option{label: "Direct Routing", desc: "Microsoft Teams Direct Routing, hosted", value: "direct-routing"})
	f.loadCustomers()
	f.takenNames = map[string]bool{}
	sums, err := c.cases.Store().ListSummaries()
	if err != nil {
		f.loadErr = fmt.Sprintf("could not read the services: %v", err)
	}
	f.services = sums
	for _, s := range sums {
		f.takenNames[tenant.NameKey(s.Name)] = true
	}
	f.nameForm = newNameForm(f)
	f.licenses = newLicensePicker(c)
	f.usersForm = newUsersForm(f)
	f.knownForm = newKnownAppForm(f)
	f.credForm = newCredentialsForm(f)
	if demo >= 0 && demo < len(c.demo) {
		f.fillDemo(demo)
	}
	return f
}

func (f *addFlow) title() string { return "Add service › " + f.step.String() }

// dirty: something was chosen or typed and the service is not created yet.
func (f *addFlow) dirty() bool {
	return f.created == "" && (f.step != stepType || f.in.Customer != "" || f.in.Name != "")
}
func (f *addFlow) busy() bool { return f.step == stepValidating || f.signInBusy() }

// typing: the step takes keys as text (a form or a filter).
func (f *addFlow) typing() bool {
	if f.step == stepSignIn {
		return f.signInTyping()
	}
	switch f.step {
	case stepType, stepTenant, stepLicense, stepKnownApp, stepValidating, stepResult, stepSummary, stepPending:
		return false
	}
	return true
}
func (f *addFlow) stop() { f.val.cancel(); f.stopSignIn() }

// goTo moves on to step, remembering where Esc returns to. The validating
// step is never returned to: Esc from the result goes to the credentials.
func (f *addFlow) goTo(step addStep) tea.Cmd {
	if f.step != stepValidating && f.step != stepPending {
		f.back = append(f.back, f.step)
	}
	f.step = step
	f.scroll = 0
	return nil
}

// goBack returns one step, or leaves the flow from its first step.
func (f *addFlow) goBack() tea.Cmd {
	if len(f.back) == 0 {
		return navigate(stateMenu)
	}
	f.step = f.back[len(f.back)-1]
	f.back = f.back[:len(f.back)-1]
	f.scroll = 0
	return nil
}

func (f *addFlow) update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyMsg); ok {
		return f.updateKey(km)
	}
	if cmd, ok := f.signInMsg(msg); ok {
		return cmd
	}
	cmd, done := f.val.update(msg)
	if done != nil {
		return f.finishValidation(done)
	}
	return cmd
}

func (f *addFlow) updateKey(msg tea.KeyMsg) tea.Cmd {
	k := f.c.keys
	if f.step == stepValidating {
		if key.Matches(msg, k.Back, k.Cancel) {
			f.cancelValidation()
		}
		return nil
	}
	if key.Matches(msg, k.Back) && f.step != stepPending && f.step != stepSignIn {
		if f.step == stepCustomer && f.custStep.clearFilter() {
			return nil
		}
		if f.step == stepResult {
			return f.editCredentials()
		}
		return f.goBack()
	}
	if u := steps[f.step].update; u != nil {
		return u(f, msg)
	}
	return nil
}

func (f *addFlow) view() string {
	body := steps[f.step].view(f)
	if f.loadErr != "" {
		body = f.c.styles.Error.Render(f.loadErr) + "\n\n" + body
	}
	return body
}

func (f *addFlow) bindings() []key.Binding {
	k := f.c.keys
	back, quit := k.Back, withHelp(k.Cancel, "quit")
	switch f.step {
	case stepType, stepTenant, stepLicense:
		return []key.Binding{k.Move, withHelp(k.Enter, "next"), back, quit}
	case stepCustomer:
		return []key.Binding{k.Filter, k.Move, withHelp(k.Enter, "next"), back, quit}
	case stepName:
		return []key.Binding{k.NextFld, withHelp(k.Enter, "next"), back, quit}
	case stepNewCustomer, stepUsers, stepM365: // one field to type in
		return []key.Binding{withHelp(k.Enter, "next"), back, quit}
	case stepKnownApp:
		if f.offerSignIn() {
			return []key.Binding{k.Toggle, withHelp(k.Move, "choose"), withHelp(k.Enter, "next"), back, quit}
		}
		return []key.Binding{k.Toggle, withHelp(k.Enter, "next"), back, quit}
	case stepCredentials:
		b := []key.Binding{k.NextFld, withHelp(k.Enter, "next / validate"), back}
		if len(f.c.demo) > 0 {
			b = append(b, k.DemoFill)
		}
		return append(b, quit)
	case stepValidating:
		return []key.Binding{withHelp(k.Back, "cancel"), k.Cancel}
	case stepResult:
		b := []key.Binding{k.Move, k.Enter, k.Scroll}
		if f.report != nil && !f.report.Passed() {
			b = append(b, k.Copy)
		}
		return append(b, withHelp(k.Back, "edit credentials"))
	case stepSummary:
		return []key.Binding{withHelp(k.Enter, "create service"), back, quit}
	case stepPending:
		return []key.Binding{k.Copy, k.SaveText, withHelp(k.Enter, "open service page")}
	case stepSignIn:
		return f.signInBindings()
	}
	return []key.Binding{back}
}

// create saves the new customer (if any) and the service: the only write
// of the whole flow.
func (f *addFlow) create() tea.Cmd {
	domain := ""
	if f.m365 != nil {
		domain = f.m365.value()
	}
	svc, err := f.c.cases.Create(usecase.NewService{Input: f.in, NewCustomer: f.newCustomer, M365Domain: domain, Report: f.report, Park: f.parking})
	if err != nil {
		f.createErr = err.Error()
		if errors.Is(err, usecase.ErrExists) {
			f.takenNames[tenant.NameKey(f.in.Name)] = true
		}
		return nil
	}
	f.created = svc.Name
	if !f.in.UseKnownApp || f.parking {
		f.goTo(stepPending)
		f.back = nil
		return nil
	}
	return openService(svc.Name, stateMenu)
}
