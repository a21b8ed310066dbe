// Package present is the one presentation model of onboard's records: a
// service's page, a validation report and a list row as ordered
// label/value rows with statuses and tones, the day count and the time
// zone decided once. The screens style it, the accessible mode speaks it,
// the commands print it as a table or JSON — so the three never disagree
// on a label, an order, a dash or a time zone.
//
// It imports the domain (tenant) only, and has no styles: a Tone says what
// a value means (good, warning, bad …) and each front end picks a look.
package present

import (
	"fmt"
	"strings"
	"time"

	"onboard/tenant"
)

// Tone is what a value means to the engineer; the screens map it to a
// colour, the accessible mode and the tables ignore it.
type Tone int

// The tones, from quiet to loud.
const (
	Plain Tone = iota
	Faint
	Good
	Notice
	Warn
	Bad
)

// Unknown is said for a fact that could not be read; None for one that is
// known to be empty. They are different verdicts with different fixes.
const (
	Unknown = "unknown"
	None    = "none"
	Dash    = "—"
)

// Clock is "now" and the time zone times are shown in, decided once: the
// engineer's own (Local), since days until expire count calendar days
// there. JSON carries UTC (RFC 3339) whatever the clock.
type Clock struct {
	Now time.Time
}

// NewClock is a clock at now, showing times in now's zone.
func NewClock(now time.Time) Clock { return Clock{Now: now} }

// Time is a moment as the screens show it: date, minutes and the zone.
func (c Clock) Time(t time.Time) string {
	return t.In(c.Now.Location()).Format("2006-01-02 15:04 MST")
}

// Date is a day as the screens show it.
func (c Clock) Date(t time.Time) string { return t.In(c.Now.Location()).Format(DateLayout) }

// DateLayout is how dates are written and read on every screen.
const DateLayout = "2006-01-02"

// Days is the days-until-expire cell: "200 d", "expired 3 d ago",
// "expires today", "unknown", with the urgency's tone.
func Days(e tenant.Expiry) (string, Tone) {
	if e.Days == nil {
		return Unknown, Faint
	}
	d := *e.Days
	text := fmt.Sprintf("%d d", d)
	switch {
	case e.Urgency == tenant.UrgencyExpired && d < 0:
		text = fmt.Sprintf("expired %d d ago", -d)
	case e.Urgency == tenant.UrgencyExpired:
		text = "expired today"
	case d == 0:
		text = "expires today"
	}
	return text, UrgencyTone(e.Urgency)
}

// DaysWords says the same in a sentence's words, for lines read rather
// than scanned in a column: "200 days left".
func DaysWords(e tenant.Expiry) string {
	if e.Days == nil {
		return "expiry unknown"
	}
	d := *e.Days
	switch {
	case e.Urgency == tenant.UrgencyExpired && d < 0:
		return fmt.Sprintf("expired %s ago", plural(-d, "day"))
	case e.Urgency == tenant.UrgencyExpired:
		return "expired today"
	case d == 0:
		return "expires today"
	}
	return plural(d, "day") + " left"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// UrgencyTone is the tone of an expiry urgency (the expiry policy's
// thresholds live in tenant; this only names their look).
func UrgencyTone(u tenant.Urgency) Tone {
	switch u {
	case tenant.UrgencyExpired:
		return Bad
	case tenant.UrgencyUrgent:
		return Warn
	case tenant.UrgencySoon:
		return Notice
	case tenant.UrgencyOK:
		return Good
	}
	return Faint
}

// StatusTone is the tone of a check's or a report's status.
func StatusTone(s tenant.Status) Tone {
	switch s {
	case tenant.StatusPass:
		return Good
	case tenant.StatusWarn:
		return Warn
	case "":
		return Faint
	}
	return Bad
}

// Verdict is a status in words with its mark: "✓ passed", "! passed with
// warnings", "✗ failed", or "never validated".
func Verdict(s tenant.Status) string {
	switch s {
	case tenant.StatusPass:
		return "✓ passed"
	case tenant.StatusWarn:
		return "! passed with warnings"
	case tenant.StatusFail:
		return "✗ failed"
	}
	return "never validated"
}

// Row is one label/value line; Note is said after the value, quietly.
type Row struct {
	Label string
	Value string
	Tone  Tone
	Note  string
}

// Or is s, or the dash when it is empty.
func Or(s string) string {
	if s == "" {
		return Dash
	}
	return s
}

// --- A report ------------------------------------------------------------

// Check is one line of a report as shown.
type Check struct {
	Name   string
	Status tenant.Status
	Tone   Tone
	Mark   string // ✓ ! ✗
	Detail string
	Fix    string // empty for a passing check
}

// Group is one half of a verdict with its checks, what needs doing first.
type Group struct {
	Group  tenant.Group
	Title  string
	Status tenant.Status
	Checks []Check
}

// Report is a validation report as shown.
type Report struct {
	Status  tenant.Status
	Verdict string
	Tone    Tone
	At      string
	// Trigger says what ran it ("validate all", "secret replaced" …).
	Trigger string
	By      string
	// Facts are what the report read, then what Microsoft support asks
	// for (supportIDs).
	Facts  []Row
	Groups []Group
}

// ReportOf is a report as shown at clock c.
func ReportOf(r *tenant.ValidationReport, c Clock) Report {
	out := Report{Status: r.Status, Verdict: Verdict(r.Status), Tone: StatusTone(r.Status), At: c.Time(r.At),
		Trigger: string(r.Trigger), By: r.By}
	if r.TenantName != "" || r.TenantID != "" {
		out.Facts = append(out.Facts, Row{Label: "Tenant", Value: strings.TrimSpace(r.TenantName), Note: r.TenantID})
	}
	if r.InitialDomain != "" {
		out.Facts = append(out.Facts, Row{Label: "Initial domain", Value: r.InitialDomain})
	}
	if r.AppName != "" {
		out.Facts = append(out.Facts, Row{Label: "App registration", Value: r.AppName})
	}
	if r.CredentialsWork() || r.SecretExpiresAt != nil {
		out.Facts = append(out.Facts, expiryRow(r, c))
	}
	if r.SBCDomain != "" {
		out.Facts = append(out.Facts, Row{Label: "SBC domain", Value: r.SBCDomain})
	}
	if l := r.TeamsPhone; l != nil {
		out.Facts = append(out.Facts, Row{Label: "Teams Phone", Value: fmt.Sprintf("%d free of %d", l.Free(), l.Enabled)})
	}
	out.Facts = append(out.Facts, supportIDs(r)...)
	out.Groups = Groups(r.Checks)
	return out
}

// supportIDs are what Microsoft support asks for, those the report has:
// the AADSTS code, the correlation ID and the trace ID.
func supportIDs(r *tenant.ValidationReport) []Row {
	var ids []Row
	for _, id := range []Row{{Label: "AADSTS", Value: r.AADSTS}, {Label: "Correlation ID", Value: r.CorrelationID}, {Label: "Trace ID", Value: r.TraceID}} {
		if id.Value != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// expiryRow is the secret expiry of a report: the date and the days left,
// and when the date was read if an earlier report of the same secret knew
// it and this one could not read it.
func expiryRow(r *tenant.ValidationReport, c Clock) Row {
	e := tenant.ExpiryAt(c.Now, r.SecretExpiresAt)
	if e.At == nil {
		return Row{Label: "Secret expires", Value: Unknown, Tone: Faint}
	}
	days, tone := Days(e)
	row := Row{Label: "Secret expires", Value: c.Date(*e.At) + "  " + days, Tone: tone}
	if r.ExpiryReadAt != nil {
		row.Note = "read " + c.Date(*r.ExpiryReadAt) + "; Graph could not read it this time"
	}
	return row
}

// Groups orders checks into their groups, credentials first, and within
// each the failures, then the warnings, then what passed: what needs doing
// is on screen without scrolling.
func Groups(checks []tenant.Check) []Group {
	var out []Group
	for _, g := range []tenant.Group{tenant.GroupCredentials, tenant.GroupReadiness} {
		grp := Group{Group: g, Title: g.Title()}
		for _, st := range []tenant.Status{tenant.StatusFail, tenant.StatusWarn, tenant.StatusPass} {
			for _, ch := range checks {
				if ch.InGroup() != g || !sameRank(ch.Status, st) {
					continue
				}
				grp.Status = worse(grp.Status, ch.Status)
				pc := Check{Name: ch.Name, Status: ch.Status, Tone: StatusTone(ch.Status), Mark: ch.Status.Symbol(), Detail: ch.Detail}
				if ch.Status != tenant.StatusPass {
					pc.Fix = ch.Fix
				}
				grp.Checks = append(grp.Checks, pc)
			}
		}
		if len(grp.Checks) > 0 {
			out = append(out, grp)
		}
	}
	return out
}

// sameRank puts an unknown status with the failures.
func sameRank(have, want tenant.Status) bool {
	if want == tenant.StatusFail {
		return have != tenant.StatusWarn && have != tenant.StatusPass
	}
	return have == want
}

func worse(a, b tenant.Status) tenant.Status {
	if a == "" {
		return b
	}
	return tenant.Worse(a, b)
}

// Headline is a report in one line for the tables: "credentials work; ready
// for Direct Routing", or the first reason of the verdict and how many
// more there are.
func Headline(r *tenant.ValidationReport) string {
	if r == nil {
		return ""
	}
	if r.Status == tenant.StatusPass {
		return "ready for Direct Routing"
	}
	var first string
	n := 0
	for _, g := range Groups(r.Checks) {
		for _, c := range g.Checks {
			if c.Status == r.Status {
				if n == 0 {
					first = firstSentence(c.Detail)
				}
				n++
			}
		}
	}
	if r.AADSTS != "" && !strings.Contains(first, r.AADSTS) {
		first += " (" + r.AADSTS + ")"
	}
	if n > 1 {
		first += fmt.Sprintf(" (+%d more)", n-1)
	}
	return first
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// --- A service's page --------------------------------------------------

// Page is a service's page: its M365 Configuration (docs/onboarding.md)
// and the last validation.
type Page struct {
	Name      string
	FullName  string
	Customer  string
	State     string
	StateTone Tone
	Pending   bool
	Rows      []Row
	// Last is the last validation (nil: never validated).
	Last *Report
}

// PageOf is a service's page at clock c.
func PageOf(s tenant.Service, c Clock) Page {
	p := Page{Name: s.Name, FullName: s.FullName, Customer: s.Customer, State: s.State.Title(), StateTone: Good,
		Pending: s.State == tenant.StatePendingAuth}
	if p.Pending {
		p.StateTone = Warn
	}
	r := s.LastValidation
	admin := Row{Label: "User Name", Value: Or(s.App.AdminUser)}
	if r != nil && r.Admin == nil && s.App.AdminUser != "" && adminMissing(r) {
		admin.Tone, admin.Note = Warn, "not found in the tenant at the last validation"
	}
	tenantName := Row{Label: "Tenant", Value: Dash}
	if r != nil && r.TenantName != "" {
		tenantName.Value = r.TenantName
	} else if r != nil && r.TenantID != "" {
		tenantName.Value, tenantName.Tone = Unknown, Faint
	}
	e := s.Expiry(c.Now)
	expires := Row{Label: "Secret expires", Value: Unknown, Tone: Faint}
	if e.At != nil {
		expires = Row{Label: "Secret expires", Value: c.Date(*e.At)}
		switch {
		case r == nil || r.SecretExpiresAt == nil:
			expires.Note = "typed from the Entra admin center"
		case r.ExpiryReadAt != nil:
			expires.Note = "read " + c.Date(*r.ExpiryReadAt) + "; Graph could not read it since"
		}
	}
	days, tone := Days(e)
	daysRow := Row{Label: "Days until expire", Value: days, Tone: tone}
	if !s.HasCredentials() {
		expires.Value, expires.Tone, daysRow.Value, daysRow.Tone = Dash, Plain, Dash, Plain
	}
	roles := Row{Label: "Entra roles", Value: Dash}
	perms := Row{Label: "Graph permissions", Value: Dash}
	if r != nil && r.CredentialsWork() {
		roles = RolesRow(r)
		perms.Value = None
		if len(r.Permissions) > 0 {
			perms.Value = strings.Join(r.Permissions, ", ")
		}
	}
	last := Row{Label: "Last validation", Value: Verdict(""), Tone: Faint}
	if r != nil {
		last = Row{Label: "Last validation", Value: Verdict(r.Status), Tone: StatusTone(r.Status), Note: c.Time(r.At)}
	}
	p.Rows = []Row{
		admin,
		tenantName,
		{Label: "Tenant ID", Value: Or(s.App.TenantID)},
		{Label: "Application ID", Value: Or(s.App.ClientID)},
		{Label: "Client secret", Value: Or(s.App.Secret.Masked())},
		expires,
		daysRow,
		roles,
		perms,
		{Label: "M365 domain", Value: Or(s.M365Domain)},
		{Label: "License", Value: fmt.Sprintf("%s, %d users", s.License.Title(), s.Users)},
		last,
	}
	if r != nil {
		rep := ReportOf(r, c)
		p.Last = &rep
	}
	return p
}

// RolesRow is the Entra roles of a report: their names, "none", or
// "unknown" with why (the report's role check says it).
func RolesRow(r *tenant.ValidationReport) Row {
	row := Row{Label: "Entra roles"}
	switch {
	case r.Roles == nil:
		row.Value, row.Tone = Unknown, Faint
		for _, c := range r.Checks {
			if c.Name == tenant.CheckRole && c.Status != tenant.StatusPass {
				row.Note = firstSentence(c.Detail)
			}
		}
	case len(r.Roles) == 0:
		row.Value, row.Tone = None, Warn
	default:
		row.Value = strings.Join(r.Roles, ", ")
	}
	return row
}

// adminMissing reports whether the last validation found no such admin.
func adminMissing(r *tenant.ValidationReport) bool {
	for _, c := range r.Checks {
		if c.Name == tenant.CheckAdmin && c.Status != tenant.StatusPass && strings.Contains(c.Detail, "not found") {
			return true
		}
	}
	return false
}

// --- A list row --------------------------------------------------------

// ListRow is a service as a list shows it.
type ListRow struct {
	Name, Customer, License, Users, State string
	// Tenant is the tenant's display name (a dash until validated).
	Tenant      string
	Verdict     string
	VerdictTone Tone
	LastAt      string
	Expires     string
	Days        string
	DaysTone    Tone
	Expiry      tenant.Expiry
}

// ListRowOf is a summary as a list shows it.
func ListRowOf(s tenant.Summary, c Clock) ListRow {
	row := ListRow{Name: s.Name, Customer: s.Customer, License: strings.TrimPrefix(s.License.Title(), "Hosted "),
		Users: fmt.Sprint(s.Users), State: s.State.Title(), Tenant: Or(s.TenantName),
		Verdict: "never", VerdictTone: Faint, LastAt: Dash, Expires: Dash, Days: Dash}
	if s.State == tenant.StatePendingAuth && s.LastStatus == "" {
		row.Verdict, row.VerdictTone = "pending", Warn
	}
	if s.LastStatus != "" {
		row.Verdict, row.VerdictTone = s.LastStatus.Symbol()+" "+string(s.LastStatus), StatusTone(s.LastStatus)
	}
	if s.LastAt != nil {
		row.LastAt = c.Time(*s.LastAt)
	}
	if s.HasSecret {
		row.Expiry = s.Expiry(c.Now)
		row.Days, row.DaysTone = Days(row.Expiry)
		row.Expires = Unknown
		if row.Expiry.At != nil {
			row.Expires = c.Date(*row.Expiry.At)
		}
	}
	return row
}
