package wizard

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"onboard/tenant"
	"onboard/tenant/present"
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

// rowsView renders label/value rows in two aligned columns, each value in
// its tone with its note faint after it, wrapping long values under their
// column.
func rowsView(s styles, rows []present.Row, width int) string {
	lw := 0
	for _, r := range rows {
		lw = max(lw, lipgloss.Width(r.Label))
	}
	var b strings.Builder
	for i, r := range rows {
		label := s.Label.Render(fmt.Sprintf("%-*s", lw, r.Label))
		val := toneStyle(s, r.Tone).Render(r.Value)
		if r.Note != "" {
			val += s.Faint.Render("  (" + r.Note + ")")
		}
		val = wordwrap(val, max(width-lw-2, 20))
		val = strings.ReplaceAll(val, "\n", "\n"+strings.Repeat(" ", lw+2))
		b.WriteString(label + "  " + val)
		if i < len(rows)-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// outcome is what an action did, said on its own line: as a success, or
// as an error when it failed; wrapped, never cut.
func outcome(s styles, text string, bad bool, width int) string {
	st := s.Success
	if bad {
		st = s.Error
	}
	return wrap(st.Render(text), width)
}

// row is a plain label/value row.
func row(label, value string) present.Row { return present.Row{Label: label, Value: value} }

// toneStyle is the look of a presentation tone.
func toneStyle(s styles, t present.Tone) lipgloss.Style {
	switch t {
	case present.Faint:
		return s.Faint
	case present.Good:
		return s.Success
	case present.Notice:
		return s.Notice
	case present.Warn:
		return s.Warning
	case present.Bad:
		return s.Error
	}
	return lipgloss.NewStyle()
}

// checkGroups renders a report's groups: a heading per group with its
// worst status, then "✓ name — detail" with the fix below.
func checkGroups(s styles, groups []present.Group, width int) string {
	var b strings.Builder
	for gi, g := range groups {
		if gi > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(s.Heading.Render(g.Title) + " " + toneStyle(s, present.StatusTone(g.Status)).Render(g.Status.Symbol()) + "\n")
		for i, c := range g.Checks {
			b.WriteString(markedLine(s, toneStyle(s, c.Tone), c.Mark, c.Name, c.Detail, c.Fix, width))
			if i < len(g.Checks)-1 {
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}

// markedLine is one check, or one step of creating an App registration:
// "✓ name — detail" with the mark and the name in their tone, wrapped
// under the mark, and "Fix: …" indented below when there is a fix.
func markedLine(s styles, tone lipgloss.Style, mark, name, detail, fix string, width int) string {
	line := indentWrap(tone.Render(mark+" "+name)+s.Faint.Render(" — ")+detail, width, "", "  ")
	if fix != "" {
		line += "\n" + indentWrap(s.Faint.Render("Fix: ")+fix, width, "  ", "    ")
	}
	return line
}

// indentWrap wraps text to width, the first line after first and the
// continuation lines after rest.
func indentWrap(text string, width int, first, rest string) string {
	w := wordwrap(text, max(width-len(rest), 20))
	return first + strings.ReplaceAll(w, "\n", "\n"+rest)
}

// verdictText is a report's status in words, styled.
func verdictText(s styles, st tenant.Status) string {
	return toneStyle(s, present.StatusTone(st)).Render(present.Verdict(st))
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
