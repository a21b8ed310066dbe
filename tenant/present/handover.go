package present

import (
	"fmt"
	"html"
	"strings"

	"onboard/tenant"
)

// What the engineer hands over: the instructions for the customer's admin
// (a service pending authentication, or what a validation found missing)
// and the report of a service for the ticket. Both are plain text built
// from the records; neither ever holds a secret (only its hint).

// Instructions is the text to send the customer's M365 admin for a
// service: how to create the App registration when there is none yet (r
// nil), else what to fix, one numbered item per check that did not pass.
func Instructions(service string, r *tenant.ValidationReport) string {
	if r == nil || r.Status == tenant.StatusPass {
		return createAppInstructions(service)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "To finish connecting Microsoft Teams Direct Routing service %s, please:\n", service)
	n := 0
	for _, g := range Groups(r.Checks) {
		for _, c := range g.Checks {
			if c.Status == tenant.StatusPass || c.Fix == "" {
				continue
			}
			n++
			fmt.Fprintf(&b, "%d. %s: %s\n   %s\n", n, c.Name, c.Detail, c.Fix)
		}
	}
	if r.AADSTS != "" || r.CorrelationID != "" {
		fmt.Fprintf(&b, "(For Microsoft support: %s, correlation ID %s.)\n", Or(r.AADSTS), Or(r.CorrelationID))
	}
	b.WriteString("Then tell us, and we validate the App registration again.")
	return b.String()
}

// createAppInstructions is how the customer's admin creates the App
// registration the service needs.
func createAppInstructions(service string) string {
	return strings.Join([]string{
		fmt.Sprintf("To connect Microsoft Teams Direct Routing service %s, please:", service),
		"1. In the Entra admin center, go to App registrations > New registration;",
		"   name it (e.g. \"Teams Direct Routing\"), single tenant, and register it.",
		"2. API permissions > Add a permission > Microsoft Graph > Application",
		"   permissions: Organization.Read.All, Application.Read.All, User.Read.All;",
		"   then Grant admin consent.",
		"3. Roles & admins: assign the app the Teams Administrator role (or both",
		"   Skype for Business Administrator and Teams Communications Administrator).",
		"4. Certificates & secrets > New client secret; copy its Value (not its",
		"   Secret ID) right away: it is shown only once.",
		"5. Send us the Directory (tenant) ID, the Application (client) ID and the",
		"   secret Value through a secure channel.",
	}, "\n")
}

// handover is the content of the ticket report, in order.
type handover struct {
	title string
	facts []Row
	last  *Report
	ids   []Row // supportIDs of the last validation
}

func handoverOf(s tenant.Service, c Clock) handover {
	h := handover{title: "Direct Routing service " + s.Name}
	r := s.LastValidation
	app := Or(s.App.ClientID)
	tenantName := Dash
	if r != nil {
		if r.AppName != "" {
			app = r.AppName + " (" + app + ")"
		}
		tenantName = Or(r.TenantName)
	}
	e := s.Expiry(c.Now)
	expires := Unknown
	if e.At != nil {
		d, _ := Days(e)
		expires = c.Date(*e.At) + " (" + d + ")"
	}
	if !s.HasCredentials() {
		expires = Dash
	}
	h.facts = []Row{
		{Label: "Customer", Value: s.Customer},
		{Label: "Service", Value: s.Name + fullNameOf(s)},
		{Label: "State", Value: s.State.Title()},
		{Label: "License", Value: fmt.Sprintf("%s, %d users", s.License.Title(), s.Users)},
		{Label: "Tenant", Value: tenantName},
		{Label: "Tenant ID", Value: Or(s.App.TenantID)},
		{Label: "App registration", Value: app},
		{Label: "Client secret", Value: Or(s.App.Secret.Masked())},
		{Label: "Secret expires", Value: expires},
		{Label: "Customer admin", Value: Or(s.App.AdminUser)},
		{Label: "M365 domain", Value: Or(s.M365Domain)},
	}
	if r != nil {
		rep := ReportOf(r, c)
		h.last, h.ids = &rep, supportIDs(r)
	}
	return h
}

func fullNameOf(s tenant.Service) string {
	if s.FullName == "" {
		return ""
	}
	return " — " + s.FullName
}

// Markdown is the service's report for a ticket: it reads well pasted into
// one.
func Markdown(s tenant.Service, c Clock) string {
	h := handoverOf(s, c)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(h.title))
	b.WriteString("| | |\n|---|---|\n")
	for _, f := range h.facts {
		fmt.Fprintf(&b, "| %s | %s |\n", mdCell(f.Label), mdCell(f.Value))
	}
	if h.last == nil {
		b.WriteString("\nNever validated.\n")
		return b.String()
	}
	r := h.last
	who := ""
	if r.By != "" {
		who = " by " + mdEscape(r.By)
	}
	trigger := ""
	if r.Trigger != "" {
		trigger = " (" + mdEscape(r.Trigger) + ")"
	}
	fmt.Fprintf(&b, "\n## Last validation: %s\n\n%s%s%s.\n", mdEscape(r.Verdict), mdEscape(r.At), who, trigger)
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "\n### %s: %s\n\n", mdEscape(g.Title), mdEscape(Verdict(g.Status)))
		for _, ch := range g.Checks {
			fmt.Fprintf(&b, "- %s **%s** — %s\n", ch.Mark, mdEscape(ch.Name), mdEscape(ch.Detail))
			if ch.Fix != "" {
				fmt.Fprintf(&b, "  - Fix: %s\n", mdEscape(ch.Fix))
			}
		}
	}
	var ids []string
	for _, f := range h.ids {
		ids = append(ids, fmt.Sprintf("%s `%s`", f.Label, strings.ReplaceAll(f.Value, "`", "")))
	}
	if len(ids) > 0 {
		fmt.Fprintf(&b, "\nFor Microsoft support: %s.\n", strings.Join(ids, ", "))
	}
	return b.String()
}

// mdEscape keeps text from the records from being read as Markdown.
func mdEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "#", `\#`).Replace(s)
}

// mdCell is mdEscape for a table cell, where a pipe would end it.
func mdCell(s string) string { return strings.ReplaceAll(mdEscape(s), "|", `\|`) }

// HTML is the service's report as one self-contained page, to print.
func HTML(s tenant.Service, c Clock) string {
	h := handoverOf(s, c)
	e := html.EscapeString
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title>\n", e(h.title))
	b.WriteString("<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.4}" +
		"th{text-align:left;padding-right:1em;vertical-align:top}td{vertical-align:top}" +
		".pass{color:#1f7a1f}.warn{color:#9a6700}.fail{color:#c62828}.fix{color:#555;margin-left:1.5em}" +
		"@media print{body{margin:0}}</style></head><body>\n")
	fmt.Fprintf(&b, "<h1>%s</h1>\n<table>\n", e(h.title))
	for _, f := range h.facts {
		fmt.Fprintf(&b, "<tr><th>%s</th><td>%s</td></tr>\n", e(f.Label), e(f.Value))
	}
	b.WriteString("</table>\n")
	if h.last == nil {
		b.WriteString("<p>Never validated.</p>\n</body></html>\n")
		return b.String()
	}
	r := h.last
	fmt.Fprintf(&b, "<h2>Last validation: <span class=\"%s\">%s</span></h2>\n<p>%s", e(string(r.Status)), e(r.Verdict), e(r.At))
	if r.By != "" {
		fmt.Fprintf(&b, " by %s", e(r.By))
	}
	if r.Trigger != "" {
		fmt.Fprintf(&b, " (%s)", e(r.Trigger))
	}
	b.WriteString(".</p>\n")
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "<h3>%s: <span class=\"%s\">%s</span></h3>\n<ul>\n", e(g.Title), e(string(g.Status)), e(Verdict(g.Status)))
		for _, ch := range g.Checks {
			fmt.Fprintf(&b, "<li><span class=\"%s\">%s</span> <b>%s</b> — %s", e(string(ch.Status)), e(ch.Mark), e(ch.Name), e(ch.Detail))
			if ch.Fix != "" {
				fmt.Fprintf(&b, "<div class=\"fix\">Fix: %s</div>", e(ch.Fix))
			}
			b.WriteString("</li>\n")
		}
		b.WriteString("</ul>\n")
	}
	var ids []string
	for _, f := range h.ids {
		ids = append(ids, e(f.Label)+" <code>"+e(f.Value)+"</code>")
	}
	if len(ids) > 0 {
		fmt.Fprintf(&b, "<p>For Microsoft support: %s.</p>\n", strings.Join(ids, ", "))
	}
	b.WriteString("</body></html>\n")
	return b.String()
}
