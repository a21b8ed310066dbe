package wizard

import (
	"cmp"
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/present"
	"onboard/tenant/usecase"
)

// The portal's step 8 (docs/onboarding.md), "the tenant credentials are
// validated": a spinner and each check as it completes. Esc or ctrl+c
// cancels the network calls.

// validation is one use case in the background that validates, with its
// live view (a spinner and the checks so far); the add flow and the
// service page each hold one.
type validation struct {
	job    *job
	spin   spinner.Model
	checks []tenant.Check
}

func newValidation(c *common) validation {
	return validation{spin: spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(c.styles.Accent))}
}

// start cancels a run in progress, if any, and runs call.
func (v *validation) start(call func(ctx context.Context, progress func(tenant.Check)) (any, error)) tea.Cmd {
	v.job.stop()
	v.checks = nil
	j, next := startChecks(call)
	v.job = j
	return tea.Batch(next, v.spin.Tick)
}

// update takes the run's messages and returns the command that keeps it
// going, and the use case's result once it has finished. A cancelled
// run's late messages are dropped.
func (v *validation) update(msg tea.Msg) (tea.Cmd, *doneMsg) {
	if v.job == nil {
		return nil, nil
	}
	switch msg := msg.(type) {
	case spinner.TickMsg:
		var cmd tea.Cmd
		v.spin, cmd = v.spin.Update(msg)
		return cmd, nil
	case checkMsg:
		if msg.run == v.job.run {
			v.checks = append(v.checks, msg.check)
			return v.job.next(), nil
		}
	case doneMsg:
		if msg.run == v.job.run {
			v.job = nil
			return nil, &msg
		}
	}
	return nil, nil
}

// running reports a run in progress (its result not arrived yet).
func (v *validation) running() bool { return v.job != nil }

// cancel stops the network calls; nothing of the run is kept.
func (v *validation) cancel() {
	v.job.stop()
	v.job = nil
}

// view shows what is validated, the spinner and each check so far.
func (v *validation) view(c *common, what string) string {
	var b strings.Builder
	b.WriteString(v.spin.View() + " " + what + "\n\n")
	if len(v.checks) > 0 {
		b.WriteString(checkGroups(c.styles, present.Groups(v.checks), c.width))
		b.WriteString("\n")
	}
	b.WriteString("\n" + c.styles.Faint.Render("esc cancels; nothing is saved"))
	return b.String()
}

func (f *addFlow) viewValidating() string {
	return f.val.view(f.c, "Validating the credentials with Entra ID and Microsoft Graph…")
}

func (f *addFlow) startValidation(creds tenant.Credentials) tea.Cmd {
	f.report = nil
	cases := f.c.cases
	cmd := f.val.start(func(ctx context.Context, progress func(tenant.Check)) (any, error) {
		return cases.Validate(ctx, creds, progress), nil
	})
	if f.step == stepCredentials {
		f.goTo(stepValidating)
	} else {
		f.step = stepValidating // a retry from the result: Esc still leads to the credentials
	}
	return cmd
}

func (f *addFlow) cancelValidation() {
	f.val.cancel()
	f.step = stepCredentials
	if n := len(f.back); n > 0 && f.back[n-1] == stepCredentials {
		f.back = f.back[:n-1]
	}
	f.credNote = "Validation cancelled. Nothing was saved."
}

func (f *addFlow) finishValidation(d *doneMsg) tea.Cmd {
	r, _ := d.result.(*tenant.ValidationReport)
	if r == nil {
		return nil
	}
	f.report = r
	f.step = stepResult
	f.scroll = 0
	f.sharing = nil
	if r.Passed() || r.CustomerSide() {
		f.sharing = sharingWarnings(f.c.cases, f.in, r)
	}
	f.actions = resultActions(f.c, r, len(f.sharing) > 0, f.createdApp != "")
	return nil
}

// sharingWarnings are the other services a new service would share its
// tenant or its App registration and secret with (usecase.Sharings), each
// in a sentence; the tenant is the GUID the report read, else the one
// typed. Both modes warn with them before going on.
func sharingWarnings(cases *usecase.Cases, in tenant.ServiceInput, r *tenant.ValidationReport) []string {
	tid := cmp.Or(r.TenantID, in.TenantID)
	secret, _, _ := tenant.CleanSecret(in.Secret)
	sharing, _ := cases.Sharings(in.Customer, tid, in.ClientID, secret)
	out := make([]string, len(sharing))
	for i, sh := range sharing {
		out[i] = sh.Warning(tid)
	}
	return out
}
