package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"onboard/tenant"
)

// serviceView is a service as SPEC §5's JSON shows it. It is built here,
// field by field, rather than by marshalling tenant.Service, so the
// command-line contract cannot drift when the stored record grows; the
// secret appears only as its hint.
type serviceView struct {
	Name           string      `json:"name"`
	Customer       string      `json:"customer"`
	FullName       string      `json:"fullName"`
	License        string      `json:"license"`
	Users          int         `json:"users"`
	TenantID       string      `json:"tenantId"`
	ClientID       string      `json:"clientId"`
	SecretHint     string      `json:"secretHint"`
	AdminUser      string      `json:"adminUser"`
	M365Domain     string      `json:"m365Domain"`
	State          string      `json:"state"`
	CreatedAt      time.Time   `json:"createdAt"`
	LastValidation *reportView `json:"lastValidation"`
}

// reportView is lastValidation of SPEC §5.
type reportView struct {
	Status          string      `json:"status"`
	At              time.Time   `json:"at"`
	TenantName      string      `json:"tenantName"`
	SecretExpiresAt *time.Time  `json:"secretExpiresAt"`
	DaysUntilExpire *int        `json:"daysUntilExpire"`
	Roles           []string    `json:"roles"`
	Permissions     []string    `json:"permissions"`
	Checks          []checkView `json:"checks"`
	AADSTS          string      `json:"aadsts"`
	CorrelationID   string      `json:"correlationId"`
}

type checkView struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix"`
}

func viewOf(s tenant.Service, now time.Time) serviceView {
	v := serviceView{
		Name: s.Name, Customer: s.Customer, FullName: s.FullName,
		License: string(s.License), Users: s.Users,
		TenantID: s.App.TenantID, ClientID: s.App.ClientID,
		SecretHint: s.App.Secret.Masked(), AdminUser: s.App.AdminUser,
		M365Domain: s.M365Domain, State: string(s.State), CreatedAt: s.CreatedAt,
	}
	if r := s.LastValidation; r != nil {
		v.LastValidation = reportViewOf(r, s, now)
	}
	return v
}

// reportViewOf recomputes daysUntilExpire against now: the number stored
// with the report was true on the day it was made, not today.
func reportViewOf(r *tenant.ValidationReport, s tenant.Service, now time.Time) *reportView {
	rv := &reportView{
		Status: string(r.Status), At: r.At, TenantName: r.TenantName,
		SecretExpiresAt: r.SecretExpiresAt,
		Roles:           nonNil(r.Roles), Permissions: nonNil(r.Permissions),
		Checks: make([]checkView, 0, len(r.Checks)),
		AADSTS: r.AADSTS, CorrelationID: r.CorrelationID,
	}
	if r.SecretExpiresAt != nil {
		d := tenant.DaysUntil(now, *r.SecretExpiresAt)
		rv.DaysUntilExpire = &d
	} else {
		rv.DaysUntilExpire = s.DaysUntilExpire(now)
	}
	for _, c := range r.Checks {
		rv.Checks = append(rv.Checks, checkView{Name: c.Name, Status: string(c.Status), Detail: c.Detail, Fix: c.Fix})
	}
	return rv
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return failedf("write JSON: %w", err)
	}
	return nil
}

// table writes aligned columns; the caller writes rows with tabs between
// cells and calls Flush.
func table(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
}

const dateFormat = "2006-01-02"

// daysLeft is the DAYS LEFT cell: a number, "expired" or "unknown".
func daysLeft(s tenant.Service, now time.Time) string {
	if !s.HasCredentials() {
		return "-"
	}
	d := s.DaysUntilExpire(now)
	if d == nil {
		return "unknown"
	}
	if *d < 0 {
		return fmt.Sprintf("expired (%d)", *d)
	}
	return fmt.Sprint(*d)
}

func expiresCell(s tenant.Service) string {
	at, ok := s.SecretExpiry()
	if !ok {
		return "unknown"
	}
	return at.Local().Format(dateFormat)
}

func lastValidationCell(s tenant.Service) string {
	r := s.LastValidation
	if r == nil {
		return "never"
	}
	return fmt.Sprintf("%s %s", r.Status, r.At.Local().Format("2006-01-02 15:04"))
}

// printServiceTable is `services list`.
func printServiceTable(w io.Writer, services []tenant.Service, now time.Time) error {
	tw := table(w)
	fmt.Fprintln(tw, "NAME\tCUSTOMER\tLICENSE\tUSERS\tSTATE\tLAST VALIDATION\tSECRET EXPIRES\tDAYS LEFT")
	for _, s := range services {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", s.Name, s.Customer, s.License, s.Users,
			s.State.Title(), lastValidationCell(s), expiresCell(s), daysLeft(s, now))
	}
	return tw.Flush()
}

// printService is `services show`: the service page of SPEC §1 step 12.
func printService(w io.Writer, s tenant.Service, now time.Time) error {
	tw := table(w)
	row := func(k, v string) {
		if v == "" {
			v = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\n", k, v)
	}
	row("Service", s.Name)
	row("Full name", s.FullName)
	row("Customer", s.Customer)
	row("License", s.License.Title())
	row("Licensed users", fmt.Sprint(s.Users))
	row("State", s.State.Title())
	row("M365 domain", s.M365Domain)
	row("User Name", s.App.AdminUser)
	row("Tenant ID", s.App.TenantID)
	row("Application ID", s.App.ClientID)
	row("Client secret", s.App.Secret.Masked())
	if s.HasCredentials() {
		row("Secret expires", expiresCell(s))
		row("Days until expire", daysLeft(s, now))
	}
	if r := s.LastValidation; r != nil {
		row("Tenant name", r.TenantName)
		row("Entra roles", strings.Join(r.Roles, ", "))
		row("Graph permissions", strings.Join(r.Permissions, ", "))
	}
	row("Created", s.CreatedAt.Local().Format("2006-01-02 15:04"))
	row("Last validation", lastValidationCell(s))
	if err := tw.Flush(); err != nil {
		return err
	}
	if r := s.LastValidation; r != nil {
		fmt.Fprintln(w)
		printChecks(w, r)
	}
	return nil
}

// printChecks writes a report's lines the way the wizard shows them: mark,
// check, cause, and the fix on its own line.
func printChecks(w io.Writer, r *tenant.ValidationReport) {
	for _, c := range r.Checks {
		fmt.Fprintf(w, "  %s %s: %s\n", c.Status.Symbol(), c.Name, c.Detail)
		if c.Fix != "" {
			fmt.Fprintf(w, "      fix: %s\n", c.Fix)
		}
	}
	if r.AADSTS != "" || r.CorrelationID != "" {
		fmt.Fprintf(w, "  AADSTS: %s  correlation ID: %s  trace ID: %s\n", orDash(r.AADSTS), orDash(r.CorrelationID), orDash(r.TraceID))
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// summary is one line about a report for the tables: the first sentence
// of the verdict's first reason, and how many more there are. The full
// report is one `services show` away.
func summary(r *tenant.ValidationReport) string {
	if r == nil {
		return ""
	}
	if r.Status == tenant.StatusPass {
		return "credentials work"
	}
	var first string
	n := 0
	for _, c := range r.Checks {
		if c.Status == r.Status {
			if n == 0 {
				first = firstSentence(c.Detail)
			}
			n++
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
