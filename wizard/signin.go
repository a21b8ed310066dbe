package wizard

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/present"
	"onboard/tenant/usecase"
)

// The portal's step 7 (docs/onboarding.md) without a known App
// registration: "Sign in as the customer's admin now". The admin signs in
// on their own device with the code this screen shows large, with a
// countdown; the use case creates the App registration, each step shown as
// it ends, and validates it; the flow goes on to the validation result with
// the new credentials filled in (the secret never drawn). A failure names
// the admin right that is missing, lists what was created and offers to
// remove it.

const (
	withoutAppSignIn       = "sign-in"
	withoutAppInstructions = "instructions"
)

// The choices both modes offer without a known App registration, and
// after a creation failed.
var (
	signInOption       = option{label: "Sign in as the customer's admin now", desc: "onboard creates the App registration", value: withoutAppSignIn}
	instructionsOption = option{label: "Send instructions to the admin", desc: "save the service pending authentication", value: withoutAppInstructions}
	tryAgainOption     = option{label: "Try again", desc: "the admin signs in with a new code", value: "again"}
)

// secretLifetimeOptions are the lifetimes of the client secret onboard
// creates, for both modes.
func secretLifetimeOptions() []option {
	opts := make([]option, len(tenant.SecretLifetimes))
	for i, m := range tenant.SecretLifetimes {
		opts[i] = option{label: fmt.Sprintf("%d months", m), value: strconv.Itoa(m)}
	}
	return opts
}

// offerSignIn: "Use known App registration" is unchecked and the use
// cases can create one.
func (f *addFlow) offerSignIn() bool {
	return f.knownApp != nil && !f.knownApp.checked && f.c.cases.CanCreateApps()
}

// withoutApp is the choice offered under the unchecked box.
func (f *addFlow) withoutApp() *picker {
	if f.noApp == nil {
		f.noApp = newPicker(f.c, false, signInOption, instructionsOption)
	}
	return f.noApp
}

func (f *addFlow) signInChosen() bool {
	o, _ := f.withoutApp().selected()
	return o.value == withoutAppSignIn
}

// viewWithoutApp shows the choice as radio buttons: the checkbox above
// keeps the only '>' marker.
func (f *addFlow) viewWithoutApp() string {
	if !f.offerSignIn() {
		return ""
	}
	st, p := f.c.styles, f.withoutApp()
	var b strings.Builder
	b.WriteString("\n\n" + st.Heading.Render("Without one (↑/↓)"))
	for i, o := range p.options {
		line := "  ( ) " + o.label
		if i == p.cursor {
			line = st.Selected.Render("  (•) " + o.label)
		}
		b.WriteString("\n" + line + "  " + st.Faint.Render(o.desc))
	}
	return b.String()
}

type signInPhase int

const (
	phaseForm   signInPhase = iota // the tenant and the secret's lifetime
	phaseCode                      // the code shown, waiting for the admin
	phaseWork                      // creating and validating
	phaseFailed                    // what failed, what was created
)

// signIn is the sign-in step's state.
type signIn struct {
	phase    signInPhase
	form     *form
	tenantID *field
	months   *field

	// job is the creation (phaseCode, phaseWork) or the removal
	// (phaseFailed) in flight; nil when nothing is.
	job        *job
	cancelWork context.CancelFunc // stops the creation (its result still arrives)
	spin       spinner.Model

	code     *tenant.DeviceCode
	steps    []tenant.CreationStep
	checks   []tenant.Check
	creation *usecase.AppCreation
	failure  *tenant.CreateError
	actions  *picker
	note     string
	noteBad  bool
}

// removing: what was created is being removed (after a failure).
func (s *signIn) removing() bool { return s.phase == phaseFailed && s.job != nil }

// The creation's messages, tagged with the job's run.
type (
	signInCodeMsg struct {
		run  int
		code tenant.DeviceCode
	}
	signInStepMsg struct {
		run  int
		step tenant.CreationStep
	}
	signInRemovedMsg struct {
		run     int
		removed []string
		err     error
	}
)

func newSignIn(f *addFlow) *signIn {
	s := &signIn{}
	s.tenantID = textField("Tenant ID", "the customer's, GUID or domain (contoso.onmicrosoft.com)", "", 260, checkTenantID)
	s.tenantID.refuseSecret = true
	s.months = choiceField("Client secret lifetime", "←/→ choose", secretLifetimeOptions(), strconv.Itoa(tenant.DefaultSecretMonths))
	s.form = newForm(f.c, s.tenantID, s.months)
	s.spin = spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(f.c.styles.Accent))
	return s
}

// openSignIn goes to the sign-in step, its form ready (the Tenant ID
// typed in the credentials, if any, filled in).
func (f *addFlow) openSignIn() tea.Cmd {
	if f.signin == nil {
		f.signin = newSignIn(f)
	}
	s := f.signin
	s.phase, s.note, s.noteBad = phaseForm, "", false
	if v := f.cred.tenantID.value(); v != "" && s.tenantID.value() == "" {
		s.tenantID.setValue(v)
		s.tenantID.touched = true
	}
	s.form.focusOn(s.tenantID)
	f.createErr = ""
	return f.goTo(stepSignIn)
}

func (f *addFlow) signInBusy() bool {
	s := f.signin
	return f.step == stepSignIn && s != nil && s.job != nil
}

func (f *addFlow) signInTyping() bool { return f.signin == nil || f.signin.phase == phaseForm }

// stopSignIn stops what is in flight when the wizard quits.
func (f *addFlow) stopSignIn() {
	if s := f.signin; s != nil {
		if s.cancelWork != nil {
			s.cancelWork()
		}
		s.job.stop()
	}
}

func (f *addFlow) updateSignIn(msg tea.KeyMsg) tea.Cmd {
	s, k := f.signin, f.c.keys
	switch s.phase {
	case phaseForm:
		if key.Matches(msg, k.Back) {
			return f.goBack()
		}
		if !s.form.update(msg) {
			return nil
		}
		return f.startSignIn()
	case phaseCode, phaseWork:
		if key.Matches(msg, k.Back, k.Cancel) && s.cancelWork != nil {
			s.cancelWork()
			s.note, s.noteBad = "Stopping…", false
		}
		return nil
	}
	// phaseFailed
	switch {
	case s.removing():
		return nil
	case key.Matches(msg, k.Back):
		if s.creation.CanRemove() {
			s.note, s.noteBad = "Choose Remove what was created or Keep it first.", true
			return nil
		}
		s.phase, s.note = phaseForm, ""
		return nil
	case msg.Type == tea.KeyEnter:
		return f.signInAction()
	}
	s.actions.update(msg)
	return nil
}

// startSignIn runs the use case in the background: its code, steps and
// checks come back as messages.
func (f *addFlow) startSignIn() tea.Cmd {
	s := f.signin
	months, _ := strconv.Atoi(s.months.value())
	req := usecase.NewApp{TenantID: s.tenantID.value(), ServiceName: f.in.Name, SecretMonths: months}
	cases := f.c.cases
	work, cancel := context.WithCancel(context.Background())
	s.cancelWork = cancel
	s.code, s.steps, s.checks, s.creation, s.failure, s.actions = nil, nil, nil, nil, nil, nil
	s.note, s.noteBad, s.phase = "", false, phaseCode
	s.job = startJob(func(ctx context.Context, run int, send func(tea.Msg)) {
		defer cancel()
		// Quitting the wizard (the job's ctx) stops the work too; Esc
		// stops only the work, so that its result, with what was
		// created, still arrives.
		defer context.AfterFunc(ctx, cancel)()
		c, err := cases.CreateApp(work, req, usecase.CreateProgress{
			Code:  func(dc tenant.DeviceCode) { send(signInCodeMsg{run: run, code: dc}) },
			Step:  func(st tenant.CreationStep) { send(signInStepMsg{run: run, step: st}) },
			Check: func(ch tenant.Check) { send(checkMsg{run: run, check: ch}) },
		})
		send(doneMsg{run: run, result: c, err: err})
	})
	return tea.Batch(s.job.next(), s.spin.Tick)
}

// signInMsg takes the messages of the sign-in step's work; ok is false
// for any other message.
func (f *addFlow) signInMsg(msg tea.Msg) (tea.Cmd, bool) {
	s := f.signin
	if s == nil {
		return nil, false
	}
	if t, ok := msg.(spinner.TickMsg); ok {
		if t.ID != s.spin.ID() || s.job == nil {
			return nil, t.ID == s.spin.ID()
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(t)
		return cmd, true
	}
	if s.job == nil {
		return nil, false
	}
	run := s.job.run
	switch m := msg.(type) {
	case signInCodeMsg:
		if m.run == run {
			code := m.code
			s.code = &code
		}
	case signInStepMsg:
		if m.run == run {
			if m.step.Name == tenant.StepSignIn && m.step.Status == tenant.StatusPass {
				s.phase = phaseWork
			}
			if m.step.Name == tenant.StepValidation && m.step.Status == tenant.StatusWarn {
				s.checks = nil // validated again
			}
			s.steps = append(s.steps, m.step)
		}
	case checkMsg:
		if m.run != run {
			return nil, false
		}
		s.checks = append(s.checks, m.check)
	case doneMsg:
		if m.run != run {
			return nil, false
		}
		s.job = nil
		return f.signInDone(m), true
	case signInRemovedMsg:
		if m.run != run {
			return nil, true
		}
		s.job = nil
		s.creation.Removed = m.removed
		if m.err != nil {
			s.note, s.noteBad = "Could not remove everything: "+m.err.Error(), true
			var ce *tenant.CreateError
			if errors.As(m.err, &ce) && ce.Fix != "" {
				s.note += " " + ce.Fix
			}
		} else {
			s.note, s.noteBad = "Removed "+strings.Join(m.removed, "; ")+".", false
		}
		s.actions = s.failedActions()
		return nil, true
	default:
		return nil, false
	}
	return s.job.next(), true
}

// signInDone takes the use case's result: on to the validation result
// with the new credentials, back to the form, or the failure.
func (f *addFlow) signInDone(m doneMsg) tea.Cmd {
	s := f.signin
	s.cancelWork = nil
	c, _ := m.result.(*usecase.AppCreation)
	s.creation = c
	var ce *tenant.CreateError
	switch {
	case m.err == nil:
		return f.useCreated(c, "")
	case tenant.IsRuleError(m.err):
		s.phase, s.note, s.noteBad = phaseForm, m.err.Error(), true
		return nil
	case !errors.As(m.err, &ce):
		ce = &tenant.CreateError{Step: tenant.StepSignIn, Detail: m.err.Error()}
	}
	if ce.Cancelled && (c == nil || !c.App.Any()) {
		c.Close()
		s.phase, s.note, s.noteBad = phaseForm, "Stopped before anything was created.", false
		return nil
	}
	s.failure, s.phase, s.note = ce, phaseFailed, ""
	s.actions = s.failedActions()
	return nil
}

// useCreated goes on with the created App registration's credentials:
// filled in (the secret never drawn), the admin as customer admin, and
// the validation result.
func (f *addFlow) useCreated(c *usecase.AppCreation, why string) tea.Cmd {
	cr := c.Credentials
	f.cred.tenantID.setValue(cr.TenantID)
	f.cred.clientID.setValue(cr.ClientID)
	f.cred.secret.setValue(cr.Secret.Reveal())
	f.cred.admin.setValue(cr.AdminUPN)
	for _, fl := range f.credForm.fields {
		fl.touched = true
	}
	f.in.TenantID, f.in.ClientID, f.in.Secret, f.in.AdminUser = cr.TenantID, cr.ClientID, cr.Secret.Reveal(), cr.AdminUPN
	f.in.UseKnownApp, f.knownApp.checked = true, true
	f.credNote = fmt.Sprintf("Filled in from the App registration %q onboard created with %s.", c.App.DisplayName, present.Or(cr.AdminUPN))
	c.Close()
	f.createdApp = c.App.DisplayName
	f.signin.phase = phaseForm
	f.back = append(f.back, stepCredentials)
	cmd := f.finishValidation(&doneMsg{result: c.Report})
	f.note, f.noteBad = fmt.Sprintf("Created App registration %q in the customer's tenant%s.", c.App.DisplayName, why), false
	return cmd
}

// failedActions are what can be done after a failure: first remove or
// keep what was created, then try again or send instructions instead.
func (s *signIn) failedActions() *picker {
	var opts []option
	c := s.creation
	if c.CanRemove() {
		opts = append(opts,
			option{label: "Remove what was created", desc: "delete it from the customer's tenant", value: "remove"},
			option{label: "Keep it", desc: "leave it in the tenant", value: "keep"})
	}
	if c != nil && c.Report != nil && !c.Credentials.Secret.IsZero() && s.failure.Step == tenant.StepValidation {
		opts = append(opts, option{label: "Go on with this App registration", desc: "keep it; see the report, save pending", value: "report"})
	}
	if !c.CanRemove() {
		opts = append(opts, tryAgainOption, instructionsOption)
	}
	return newPicker(s.form.c, false, opts...)
}

func (f *addFlow) signInAction() tea.Cmd {
	s := f.signin
	o, _ := s.actions.selected()
	switch o.value {
	case "remove":
		c, cases := s.creation, f.c.cases
		s.note, s.noteBad = "Removing what was created…", false
		s.job = startJob(func(ctx context.Context, run int, send func(tea.Msg)) {
			removed, err := cases.RemoveApp(ctx, c)
			send(signInRemovedMsg{run: run, removed: removed, err: err})
		})
		return tea.Batch(s.job.next(), s.spin.Tick)
	case "keep":
		s.creation.Close()
		s.note, s.noteBad = fmt.Sprintf("Kept in the customer's tenant: delete the App registration %q in the Entra admin center when it is not wanted.", s.creation.App.DisplayName), false
		s.actions = s.failedActions()
	case "report":
		return f.useCreated(s.creation, ", but it did not pass validation")
	case tryAgainOption.value:
		s.creation.Close()
		return f.startSignIn()
	case withoutAppInstructions:
		s.creation.Close()
		s.phase = phaseForm
		f.in.UseKnownApp, f.knownApp.checked = false, false
		f.withoutApp().selectValue(withoutAppInstructions)
		f.createErr = ""
		return f.goTo(stepSummary)
	}
	return nil
}

func (f *addFlow) signInBindings() []key.Binding {
	s, k := f.signin, f.c.keys
	switch {
	case s == nil || s.phase == phaseForm:
		return []key.Binding{k.NextFld, k.Choose, withHelp(k.Enter, "sign in"), withHelp(k.Back, "back"), withHelp(k.Cancel, "quit")}
	case s.phase == phaseCode:
		return []key.Binding{withHelp(k.Back, "cancel the sign-in")}
	case s.phase == phaseWork || s.removing():
		return []key.Binding{withHelp(k.Back, "stop")}
	}
	b := []key.Binding{k.Move, k.Enter}
	if !s.creation.CanRemove() {
		b = append(b, withHelp(k.Back, "back"))
	}
	return b
}

func (f *addFlow) viewSignIn() string {
	s, st := f.signin, f.c.styles
	var b strings.Builder
	name := tenant.AppDisplayName(f.in.Name)
	note := func() {
		if s.note != "" {
			b.WriteString("\n\n" + outcome(st, s.note, s.noteBad, f.c.width))
		}
	}
	switch s.phase {
	case phaseForm:
		b.WriteString(wrap(fmt.Sprintf("The customer's admin signs in on their own phone or computer with a code. onboard then creates the App registration %q in their tenant, with admin consent for the Microsoft Graph permissions it needs, the Teams Administrator role and a client secret nobody sees, and validates it. The admin must be Global Administrator, or Privileged Role Administrator and Application Administrator.", name), f.c.width))
		b.WriteString("\n\n" + s.form.view())
		note()
	case phaseCode:
		if s.code == nil {
			b.WriteString(s.spin.View() + " Asking Entra ID for a sign-in code…")
			break
		}
		// The wall clock, not c.now: MSAL dates the code's expiry by it.
		p := present.SignInOf(*s.code, time.Now())
		b.WriteString("Ask the customer's admin to open, on their own phone or computer:\n\n")
		b.WriteString("    " + st.Accent.Render(p.URL) + "\n\nand to enter this code:\n\n")
		if big, ok := bigCode(p.Code, f.c.width-4); ok {
			for _, line := range strings.Split(big, "\n") {
				b.WriteString("    " + st.Heading.Render(line) + "\n")
			}
			b.WriteString("\n")
		}
		b.WriteString("    " + st.Heading.Render(p.Spaced) + "\n\n")
		b.WriteString(s.spin.View() + " Waiting for the admin to sign in. The code expires in " + p.Left + " (at " + p.Expires + ").")
		if len(f.c.demo) > 0 {
			b.WriteString("\n" + wrap(st.Warning.Render("Demo: nobody can sign in to the simulated directory, so its admin signs in by itself a few seconds after the code is shown."), f.c.width))
		}
		note()
		b.WriteString("\n" + st.Faint.Render("esc cancels; nothing is created before the admin signs in"))
	case phaseWork:
		b.WriteString(wrap(fmt.Sprintf("Creating %q in the customer's tenant:", name), f.c.width) + "\n\n")
		b.WriteString(f.stepLines())
		b.WriteString("\n" + s.spin.View() + " " + nextStep(s.steps))
		if len(s.checks) > 0 {
			var marks []string
			for _, c := range s.checks {
				marks = append(marks, c.Status.Symbol()+" "+c.Name)
			}
			b.WriteString("\n" + indentWrap(st.Faint.Render(strings.Join(marks, "  ")), f.c.width, "  ", "  "))
		}
		note()
		b.WriteString("\n" + st.Faint.Render("esc stops; what was already created is listed and can be removed"))
	case phaseFailed:
		// The failed step; what was done before it is in the list below.
		fail := s.failure
		b.WriteString(markedLine(st, st.Error, tenant.StatusFail.Symbol(), fail.Step, fail.Detail, fail.Fix, f.c.width) + "\n\n")
		objs := s.creation.App.Objects()
		switch {
		case len(objs) > 0 && s.creation.Removed != nil && !s.creation.CanRemove():
			b.WriteString(st.Faint.Render("Nothing created is left in the customer's tenant."))
		case len(objs) > 0:
			b.WriteString(st.Heading.Render("Created in the customer's tenant:"))
			for _, o := range objs {
				b.WriteString("\n" + indentWrap("- "+o, f.c.width, "  ", "    "))
			}
		default:
			b.WriteString(st.Faint.Render("Nothing was created in the customer's tenant."))
		}
		note()
		b.WriteString("\n\n" + s.actions.view(5))
	}
	return b.String()
}

// stepLines are the steps so far, each with its mark, name and detail.
func (f *addFlow) stepLines() string {
	st := f.c.styles
	var lines []string
	for _, s := range f.signin.steps {
		tone := toneStyle(st, present.StatusTone(s.Status))
		if s.Status == tenant.StatusWarn {
			tone = st.Faint
		}
		lines = append(lines, markedLine(st, tone, s.Status.Symbol(), s.Name, s.Detail, "", f.c.width))
	}
	return strings.Join(lines, "\n")
}

// nextStep says what is being done after the steps so far.
func nextStep(done []tenant.CreationStep) string {
	order := []string{tenant.StepSignIn, tenant.StepApplication, tenant.StepServicePrincipal, tenant.StepConsent, tenant.StepRole, tenant.StepSecret, tenant.StepValidation}
	next := tenant.StepApplication
	for i, name := range order {
		for _, d := range done {
			if d.Name == name && d.Status == tenant.StatusPass && i+1 < len(order) {
				next = order[i+1]
			}
		}
	}
	if next == tenant.StepValidation {
		return "Validating the new App registration with Entra ID and Microsoft Graph…"
	}
	return next + "…"
}
