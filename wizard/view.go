package wizard

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"onboard/tenant"
)

// Rendering helpers shared by the screens.

// wrap word-wraps text to w cells.
func wrap(text string, w int) string { return wordwrap(text, max(w, 20)) }

// wordwrap wraps at spaces only. ansi.Wordwrap also breaks after every
// hyphen, which cut Tenant IDs and Application IDs in the check details in
// two (8d3c5a0e-6b1f-4e2a-9c7d-⏎1f2e3a4b5c60) so they could no longer be
// copied or read as one. And a portal path ("Identity > Applications")
// breaks after its ">", not before: a line that starts with "> " looks like
// the cursor. Non-breaking stand-ins, as wide, hold them during the wrap.
var (
	wrapHold    = strings.NewReplacer("-", "\u2011", " >", "\u00a0>")
	wrapRelease = strings.NewReplacer("\u2011", "-", "\u00a0>", " >")
)

func wordwrap(text string, w int) string {
	return wrapRelease.Replace(ansi.Wordwrap(wrapHold.Replace(text), w, ""))
}

// facts renders label/value pairs in two aligned columns, wrapping long
// values under their column.
func facts(s styles, rows [][2]string, width int) string {
	lw := 0
	for _, r := range rows {
		lw = max(lw, lipgloss.Width(r[0]))
	}
	var b strings.Builder
	for i, r := range rows {
		label := s.Label.Render(fmt.Sprintf("%-*s", lw, r[0]))
		val := wordwrap(r[1], max(width-lw-2, 20))
		val = strings.ReplaceAll(val, "\n", "\n"+strings.Repeat(" ", lw+2))
		b.WriteString(label + "  " + val)
		if i < len(rows)-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// statusStyle is the semantic style of a check's or a report's status.
func statusStyle(s styles, st tenant.Status) lipgloss.Style {
	switch st {
	case tenant.StatusPass:
		return s.Success
	case tenant.StatusWarn:
		return s.Warning
	}
	return s.Error
}

// checkLines renders checks as "✓ name — detail" with the fix below.
func checkLines(s styles, checks []tenant.Check, width int) string {
	// Failures, then warnings, then passes: what needs doing is on screen
	// without scrolling.
	ordered := make([]tenant.Check, 0, len(checks))
	for _, st := range []tenant.Status{tenant.StatusFail, tenant.StatusWarn, tenant.StatusPass} {
		for _, c := range checks {
			if c.Status == st || st == tenant.StatusFail && c.Status != tenant.StatusWarn && c.Status != tenant.StatusPass {
				ordered = append(ordered, c)
			}
		}
	}
	var b strings.Builder
	for i, c := range ordered {
		st := statusStyle(s, c.Status)
		line := st.Render(c.Status.Symbol()+" "+c.Name) + s.Faint.Render(" — ") + c.Detail
		b.WriteString(indentWrap(line, width, "", "  "))
		if c.Fix != "" && c.Status != tenant.StatusPass {
			b.WriteByte('\n')
			b.WriteString(indentWrap(s.Faint.Render("Fix: ")+c.Fix, width, "  ", "    "))
		}
		if i < len(ordered)-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// indentWrap wraps text to width, the first line after first and the
// continuation lines after rest.
func indentWrap(text string, width int, first, rest string) string {
	w := wordwrap(text, max(width-len(rest), 20))
	return first + strings.ReplaceAll(w, "\n", "\n"+rest)
}

// daysText says how long a secret has left in words and the style that
// goes with the urgency (expired, < 14 days, < 30 days, unknown).
func daysText(s styles, days *int) (string, lipgloss.Style) {
	if days == nil {
		return "unknown", s.Faint
	}
	d := *days
	switch {
	case d < 0:
		return fmt.Sprintf("expired %d d ago", -d), s.Error
	case d < 14:
		return fmt.Sprintf("%d d", d), s.Warning
	case d < 30:
		return fmt.Sprintf("%d d", d), s.Notice
	}
	return fmt.Sprintf("%d d", d), s.Success
}

func dateText(t *time.Time) string {
	if t == nil {
		return "unknown"
	}
	return t.UTC().Format(dateLayout)
}

// compareDays orders days until expire soonest first, unknown (nil) last.
func compareDays(a, b *int) int {
	if a == nil || b == nil {
		return cmp.Compare(boolInt(a == nil), boolInt(b == nil))
	}
	return cmp.Compare(*a, *b)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// daysLeft says in plain words how long a secret has left, for lines that
// are read rather than scanned in a column (history, the accessible mode).
func daysLeft(days *int) string {
	switch {
	case days == nil:
		return "expiry unknown"
	case *days < 0:
		return fmt.Sprintf("expired %d d ago", -*days)
	}
	return fmt.Sprintf("%d d left", *days)
}

// expiryText is a secret's expiry date with the days it has left, or one
// "unknown" when Graph could not read it.
func expiryText(s styles, at *time.Time, days *int) string {
	if at == nil {
		return s.Faint.Render("unknown")
	}
	d, st := daysText(s, days)
	return dateText(at) + "  " + st.Render(d)
}

// verdictText is a report's status in words, styled.
func verdictText(s styles, r *tenant.ValidationReport) string {
	if r == nil {
		return s.Faint.Render("never validated")
	}
	word := map[tenant.Status]string{tenant.StatusPass: "passed", tenant.StatusWarn: "passed with warnings", tenant.StatusFail: "failed"}[r.Status]
	return statusStyle(s, r.Status).Render(r.Status.Symbol() + " " + word)
}

// truncate cuts a rendered line to w cells.
func truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }

// pad fits a plain string into exactly w cells.
func pad(text string, w int) string {
	if ansi.StringWidth(text) > w {
		return ansi.Truncate(text, w, "…")
	}
	return text + strings.Repeat(" ", w-ansi.StringWidth(text))
}

// progressBar draws a bar of w cells filled to pct (0–1) with its
// percentage. It is drawn statically (ViewAs): Validate all moves it one
// result at a time, which needs no spring animation.
func progressBar(pct float64, w int) string {
	bar := progress.New(
		progress.WithWidth(w),
		progress.WithSolidFill(colorAccent.Dark),
		progress.WithFillCharacters('█', '░'),
		progress.WithColorProfile(lipgloss.ColorProfile()),
	)
	bar.EmptyColor = colorFaint.Dark
	return bar.ViewAs(min(max(pct, 0), 1))
}
