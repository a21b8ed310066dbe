package wizard

import (
	"strings"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
)

// Seed step 8, "the tenant credentials are validated": a spinner and each
// check as it completes. Esc or ctrl+c cancels the network calls.

// validatingView is shared by the add flow and the service page.
func validatingView(c *common, spin spinner.Model, checks []tenant.Check, what string) string {
	var b strings.Builder
	b.WriteString(spin.View() + " " + what + "\n\n")
	if len(checks) > 0 {
		b.WriteString(checkLines(c.styles, checks, c.width))
		b.WriteString("\n")
	}
	b.WriteString("\n" + c.styles.Faint.Render("esc cancels; nothing is saved"))
	return b.String()
}

func (f *addFlow) viewValidating() string {
	return validatingView(f.c, f.spin, f.checks, "Validating the credentials with Entra ID and Microsoft Graph…")
}

func (f *addFlow) startValidation(creds tenant.Credentials) tea.Cmd {
	f.job.stop()
	f.checks = nil
	f.report = nil
	j, next := startValidation(f.c.validator, creds)
	f.job = j
	if f.step == stepCredentials {
		f.goTo(stepValidating)
	} else {
		f.step = stepValidating // a retry from the result: Esc still leads to the credentials
	}
	return tea.Batch(next, f.spin.Tick)
}

func (f *addFlow) cancelValidation() {
	f.job.stop()
	f.job = nil
	f.step = stepCredentials
	if n := len(f.back); n > 0 && f.back[n-1] == stepCredentials {
		f.back = f.back[:n-1]
	}
	f.credNote = "Validation cancelled. Nothing was saved."
}

func (f *addFlow) finishValidation(r *tenant.ValidationReport) tea.Cmd {
	f.job = nil
	f.report = r
	f.step = stepResult
	f.scroll = 0
	f.actions = resultActions(f.c, r)
	return nil
}
