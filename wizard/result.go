package wizard

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/present"
)

// The portal's step 9 (docs/onboarding.md): the validation result. Next
// only when it passed (warnings allowed); on failure edit the credentials,
// retry or cancel.

func resultActions(c *common, r *tenant.ValidationReport, shared bool, createdApp bool) *picker {
	cancel := option{label: "Cancel onboarding", desc: "nothing is saved", value: "cancel"}
	if createdApp {
		// Short enough for 80 columns; the note above names the app.
		cancel.desc = "nothing is saved; the new app stays in the tenant"
	}
	if r.Passed() {
		next := option{label: "Next", desc: "Microsoft 365 settings", value: "next"}
		if shared {
			// Going on is the confirmation the warning above asks for.
			next = option{label: "Go on anyway", desc: "I checked the warning above", value: "next"}
		}
		return newPicker(c, false,
			next,
			option{label: "Edit credentials", value: "edit"},
			cancel,
		)
	}
	opts := []option{}
	if r.CustomerSide() {
		// The credentials are right; the tenant is not ready yet. The
		// engineer can close the session and validate again later.
		opts = append(opts, option{label: "Save as pending authentication", desc: "validate again once the tenant is fixed", value: "park"})
	}
	return newPicker(c, false, append(opts,
		option{label: "Edit credentials", value: "edit"},
		option{label: "Retry", desc: "validate the same credentials again", value: "retry"},
		cancel,
	)...)
}

func (f *addFlow) updateResult(msg tea.KeyMsg) tea.Cmd {
	k := f.c.keys
	switch {
	case key.Matches(msg, k.PageDown):
		f.scroll += f.c.bodyHeight() / 2
		return nil
	case key.Matches(msg, k.PageUp):
		f.scroll = max(f.scroll-f.c.bodyHeight()/2, 0)
		return nil
	case key.Matches(msg, k.Copy) && !f.report.Passed():
		name := f.in.Name
		f.note, f.noteBad = f.c.copyText("what the customer's admin must fix", present.Instructions(name, f.report))
		return nil
	case msg.Type == tea.KeyEnter:
		o, _ := f.actions.selected()
		f.parking = false
		switch o.value {
		case "next":
			f.prepareM365()
			return f.goTo(stepM365)
		case "park":
			f.parking = true
			f.createErr = ""
			return f.goTo(stepSummary)
		case "edit":
			return f.editCredentials()
		case "retry":
			svc, _, err := f.in.Parse(f.c.now())
			if err != nil {
				f.credNote = err.Error()
				return f.goBack()
			}
			return f.startValidation(tenant.CredentialsOf(svc))
		case "cancel":
			return navigate(stateMenu)
		}
	}
	f.actions.update(msg)
	return nil
}

// fieldToFix is the credentials field an Entra ID error points at.
func (f *addFlow) fieldToFix(aadsts string) *field {
	switch aadsts {
	case "AADSTS90002", "AADSTS900023": // tenant not found, malformed tenant
		return f.cred.tenantID
	case "AADSTS700016": // no such application in the tenant
		return f.cred.clientID
	case "AADSTS7000215", "AADSTS7000222": // wrong secret (often its ID), expired secret
		return f.cred.secret
	}
	return f.cred.tenantID
}

// editCredentials returns to the credentials with the failure in view and
// the cursor in the field it points at, so the engineer sees what to fix
// while fixing it.
func (f *addFlow) editCredentials() tea.Cmd {
	focus := f.cred.tenantID
	if f.report != nil {
		focus = f.fieldToFix(f.report.AADSTS)
	}
	f.credForm.focusOn(focus)
	f.credNote = ""
	if r := f.report; r != nil && !r.Passed() {
		for _, c := range r.Checks {
			if c.Status == tenant.StatusFail {
				f.credNote = "Last validation failed: " + c.Detail
				break
			}
		}
	}
	if f.demo >= 0 && f.c.demo[f.demo].RightSecret != "" && f.report != nil && !f.report.Passed() {
		// A demo value, not a real secret: "wrong, then corrected".
		f.credNote += " (Demo: the right secret is " + f.c.demo[f.demo].RightSecret + ".)"
	}
	return f.goBack()
}

func (f *addFlow) viewResult() string {
	s := f.c.styles
	r := f.report
	var b strings.Builder
	why := "nothing was saved; fix the credentials and retry"
	switch {
	case r.Passed():
		why = "Direct Routing can be configured with these credentials"
	case r.CustomerSide():
		why = "the credentials are right; the customer's admin must fix the tenant (c copies what to fix)"
	}
	// Wrapped, never cut: the reason is what the engineer reads first.
	b.WriteString(wrap(verdictText(s, r.Status)+"  "+s.Faint.Render(why), f.c.width))
	for _, w := range f.sharing {
		b.WriteString("\n" + wrap(s.Warning.Render("! "+w), f.c.width))
	}
	if f.note != "" {
		b.WriteString("\n" + outcome(s, f.note, f.noteBad, f.c.width))
	}
	b.WriteString("\n\n" + f.actions.view(4) + "\n\n")
	b.WriteString(scrolled(reportDetails(f.c, r), f.scroll, f.c.bodyHeight()-strings.Count(b.String(), "\n")))
	return b.String()
}

// reportDetails renders a report's facts and its checks by group.
func reportDetails(c *common, r *tenant.ValidationReport) string {
	s := c.styles
	rep := present.ReportOf(r, c.clock())
	var b strings.Builder
	if len(rep.Facts) > 0 {
		b.WriteString(rowsView(s, rep.Facts, c.width) + "\n\n")
	}
	b.WriteString(checkGroups(s, rep.Groups, c.width))
	return b.String()
}

// scrolled drops the first off lines of text and says when more follows.
func scrolled(text string, off, h int) string {
	lines := strings.Split(text, "\n")
	off = min(off, max(len(lines)-1, 0))
	lines = lines[off:]
	if h > 1 && len(lines) > h {
		lines = append(lines[:h-1], fmt.Sprintf("… %d more lines (pgdn)", len(lines)-h+1))
	}
	return strings.Join(lines, "\n")
}
