package wizard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/term"

	"onboard/tenant"
	"onboard/tenant/present"
	"onboard/tenant/usecase"
)

// The accessible mode (ACCESSIBLE=1 or TERM=dumb): no alternate screen and
// no redrawing, only huh's accessible prompts, one line after another, so a
// screen reader reads everything in order. It covers what the full-screen
// wizard does, through the same use cases (tenant/usecase) and rules (tenant).

// errInputClosed ends the accessible session when the input ends.
var errInputClosed = errors.New("input closed")

// lineReader hands huh's prompts one line per Read: huh makes a new
// bufio.Scanner for every prompt, which would swallow the lines after the
// first when input is piped. It reads byte by byte, so nothing is buffered
// that a later password prompt on the terminal would miss.
//
// A cancel (ctrl+c) ends a Read at once: the byte is read by a helper
// goroutine only while a Read asks for it, and Read stops waiting when ctx
// is done, so the session ends without the engineer pressing Enter.
type lineReader struct {
	ctx  context.Context
	r    io.Reader
	eof  bool
	ask  chan struct{}
	got  chan byteRead
	once sync.Once
}

type byteRead struct {
	b   byte
	k   int
	err error
}

func newLineReader(ctx context.Context, r io.Reader) *lineReader {
	return &lineReader{ctx: ctx, r: r, ask: make(chan struct{}), got: make(chan byteRead, 1)}
}

func (l *lineReader) readByte() (byteRead, error) {
	l.once.Do(func() {
		go func() {
			var b [1]byte
			for range l.ask {
				k, err := l.r.Read(b[:])
				l.got <- byteRead{b[0], k, err}
			}
		}()
	})
	select {
	case l.ask <- struct{}{}:
	case <-l.ctx.Done():
		return byteRead{}, l.ctx.Err()
	}
	select {
	case r := <-l.got:
		return r, nil
	case <-l.ctx.Done():
		return byteRead{}, l.ctx.Err()
	}
}

// stop lets the helper goroutine end (once its read in progress, if any,
// returns) when the session is over.
func (l *lineReader) stop() {
	l.once.Do(func() {}) // a reader never started needs no goroutine
	close(l.ask)
}

func (l *lineReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		r, err := l.readByte()
		if err != nil {
			return n, err
		}
		if r.k == 1 {
			p[n] = r.b
			n++
			if r.b == '\n' {
				return n, nil
			}
		}
		if r.err != nil {
			if errors.Is(r.err, io.EOF) {
				l.eof = true
			}
			return n, r.err
		}
	}
	return n, nil
}

type accessible struct {
	c   *common
	ctx context.Context
	in  *lineReader
	raw io.Reader
	out io.Writer
}

func runAccessible(ctx context.Context, opts Options) error {
	a := &accessible{c: newCommon(opts), ctx: ctx, in: newLineReader(ctx, opts.Input), raw: opts.Input, out: opts.Output}
	defer a.in.stop()
	a.c.width = 80
	a.say("onboard: onboard a customer's Microsoft 365 tenant onto hosted Teams Direct Routing.")
	if len(opts.Demo) > 0 {
		a.say("")
		a.say("Demo tenants (sample data from the built-in simulated directory; these secrets are not real and are shown only here):")
		for _, d := range opts.Demo {
			line := fmt.Sprintf("- %s. %s. Tenant ID %s, Application ID %s, secret %s, admin %s.", d.Label, d.Outcome, d.TenantID, d.ClientID, d.Secret, present.Or(d.AdminUPN))
			if d.RightSecret != "" {
				line += " The right secret is " + d.RightSecret + "."
			}
			a.say(line)
		}
	}
	// The menu is the screens' table, as the full-screen main menu.
	entries := menuEntries()
	var opts2 []option
	for i, d := range entries {
		opts2 = append(opts2, option{label: d.label, value: strconv.Itoa(i)})
	}
	opts2 = append(opts2, option{label: "Quit", value: "quit"})
	for {
		if ctx.Err() != nil {
			return ErrInterrupted
		}
		choice, err := a.choose("Main menu", opts2)
		if err != nil {
			return a.end(err)
		}
		if choice == "quit" {
			return nil
		}
		i, _ := strconv.Atoi(choice)
		if err := entries[i].speak(a); err != nil {
			return a.end(err)
		}
	}
}

// end turns the end of the input into a normal end of the session, and
// ctrl+c (the session's context cancelled) into ErrInterrupted.
func (a *accessible) end(err error) error {
	switch {
	case errors.Is(err, errInputClosed):
		return nil
	case a.ctx.Err() != nil:
		return ErrInterrupted
	}
	return err
}

func (a *accessible) say(line string) { _, _ = fmt.Fprintln(a.out, line) }

func (a *accessible) closed() error {
	if a.in.eof {
		return errInputClosed
	}
	return a.ctx.Err()
}

// choose asks for one of opts by number.
func (a *accessible) choose(title string, opts []option) (string, error) {
	return a.chooseFrom(title, opts, "")
}

// chooseFrom asks for one of opts by number; an empty line keeps the
// option whose value is def (the first when none is).
//
// It reads the number as a line of text, not with huh's accessible
// Select: at the end of input that returns the last number refused and
// indexes its options with it, so "9" then ctrl+d panicked.
func (a *accessible) chooseFrom(title string, opts []option, def string) (string, error) {
	chosen := 0
	a.say("")
	fmt.Fprintln(a.out, title+" ")
	for i, o := range opts {
		label := o.label
		if o.desc != "" {
			label += " (" + o.desc + ")"
		}
		fmt.Fprintf(a.out, "%d. %s\n", i+1, label)
		if o.value == def {
			chosen = i
		}
	}
	prompt := fmt.Sprintf("Enter a number between 1 and %d:", len(opts))
	if len(opts) == 1 {
		prompt = "There is only one option available; enter the number 1:"
	}
	number := func(s string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > len(opts) {
			return 0, fmt.Errorf("Invalid: must be a number between 1 and %d", len(opts)) //nolint:staticcheck // huh's wording, kept
		}
		return n, nil
	}
	v := ""
	in := huh.NewInput().Title(prompt).Value(&v).Validate(func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil // keeps the default
		}
		_, err := number(s)
		return err
	})
	if err := in.RunAccessible(a.out, a.in); err != nil {
		return "", err
	}
	if err := a.closed(); err != nil {
		return "", err
	}
	if n, err := number(v); err == nil {
		chosen = n - 1
	}
	return opts[chosen].value, nil
}

// ask reads a line checked by check (a rule message blocks, a note is said).
func (a *accessible) ask(title, value string, check func(string) (string, bool)) (string, error) {
	v := value
	if value != "" {
		title += " [" + value + "]"
	}
	in := huh.NewInput().Title(title).Value(&v).Validate(func(s string) error {
		if check == nil || s == "" && value != "" {
			return nil // an empty line keeps the value shown
		}
		msg, bad := check(s)
		if bad {
			return errors.New(msg)
		}
		return nil
	})
	if err := in.RunAccessible(a.out, a.in); err != nil {
		return "", err
	}
	if err := a.closed(); err != nil {
		return "", err
	}
	if check != nil {
		if msg, _ := check(v); msg != "" {
			a.say(msg)
		}
	}
	return v, nil
}

// askSecret reads the client secret without echo on a terminal (piped
// input has no echo to hide). It is read like every other line, so ctrl+c
// ends the session at once and nothing half-typed is used; the terminal
// keeps its signals while the echo is off (HideInput).
func (a *accessible) askSecret(title string) (string, error) {
	if f, ok := a.raw.(*os.File); ok && term.IsTerminal(f.Fd()) {
		restore, err := HideInput(f)
		if err != nil {
			return "", err
		}
		defer restore()
	} else {
		a.say("(the secret is not echoed back)")
	}
	return a.ask(title, "", checkSecret)
}

func (a *accessible) confirm(title string, def bool) (bool, error) {
	v := def
	c := huh.NewConfirm().Title(title).Value(&v)
	if err := c.RunAccessible(a.out, a.in); err != nil {
		return false, err
	}
	return v, a.closed()
}

func (a *accessible) addService() error {
	in := tenant.ServiceInput{}
	customers, err := a.c.cases.Store().ListCustomers()
	if err != nil {
		return fmt.Errorf("read customers: %w", err)
	}
	opts := []option{{label: "New customer…", value: newCustomerValue}}
	for _, c := range customers {
		opts = append(opts, option{label: c.Name, value: c.Name})
	}
	a.say("Service type: Direct Routing.")
	choice := newCustomerValue
	if len(customers) > 0 {
		if choice, err = a.choose("Customer", opts); err != nil {
			return err
		}
	} else {
		a.say("No customers yet: the service is for a new customer.")
	}
	newCustomer := choice == newCustomerValue
	if newCustomer {
		names := make([]string, len(customers))
		for i, c := range customers {
			names[i] = c.Name
		}
		if choice, err = a.ask("New customer name", "", customerNameCheck(names, "")); err != nil {
			return err
		}
	}
	in.Customer = choice
	taken := map[string]bool{}
	sums, err := a.c.cases.Store().ListSummaries()
	if err != nil {
		return fmt.Errorf("read services: %w", err)
	}
	for _, s := range sums {
		taken[tenant.NameKey(s.Name)] = true
	}
	if in.Name, err = a.ask("Short name (3–15 characters, unique)", "", shortNameCheck(taken)); err != nil {
		return err
	}
	if in.FullName, err = a.ask("Full name (optional)", "", checkFullName); err != nil {
		return err
	}
	if in.License, err = a.choose("License type", licenseOptions()); err != nil {
		return err
	}
	if in.Users, err = a.ask("Number of licensed users (1–500)", "", checkUsers); err != nil {
		return err
	}
	if in.UseKnownApp, err = a.confirm("Use known App registration? (the admin handed over Tenant ID, Application ID and a client secret)", true); err != nil {
		return err
	}
	var report *tenant.ValidationReport
	domain := ""
	park := false
	if !in.UseKnownApp && a.c.cases.CanCreateApps() {
		report, err = a.withoutApp(&in)
		if errors.Is(err, errCancelOnboarding) {
			a.say("Nothing was saved.")
			return nil
		}
		if err != nil {
			return err
		}
	}
	if in.UseKnownApp {
		askSecret := true
		created := report != nil // by the admin's sign-in (signin_accessible.go)
		for !created {
			if in.TenantID, err = a.ask("Tenant ID (GUID or domain)", in.TenantID, checkTenantID); err != nil {
				return err
			}
			if in.ClientID, err = a.ask("Application (Client) ID", in.ClientID, checkClientID); err != nil {
				return err
			}
			if askSecret {
				if in.Secret, err = a.askSecret("Client secret (its Value)"); err != nil {
					return err
				}
			}
			if in.AdminUser, err = a.ask("Customer admin UPN (optional)", in.AdminUser, checkAdmin); err != nil {
				return err
			}
			svc, _, err := in.Parse(a.c.now())
			if err != nil {
				a.say(err.Error())
				askSecret = true
				continue
			}
		validate:
			report = a.validate(tenant.CredentialsOf(svc))
			if report == nil {
				return ErrInterrupted
			}
			if report.Passed() {
				break
			}
			opts := []option{{label: "Edit credentials", value: "edit"}, {label: "Retry", desc: "validate the same credentials again", value: "retry"}}
			if report.CustomerSide() {
				opts = append([]option{{label: "Save as pending authentication", desc: "the credentials are right; validate again once the customer's admin fixed the tenant", value: "park"}}, opts...)
			}
			next, err := a.choose("Validation failed; nothing was saved", append(opts, option{label: "Cancel onboarding", value: "cancel"}))
			if err != nil || next == "cancel" {
				return err
			}
			switch next {
			case "retry":
				goto validate
			case "park":
				park = true
			case "edit":
				// The secret typed is kept unless the engineer types another.
				if askSecret, err = a.confirm("Type the client secret again? (no keeps the one typed)", false); err != nil {
					return err
				}
				continue
			}
			break
		}
		sharing := sharingWarnings(a.c.cases, in, report)
		for _, w := range sharing {
			a.say("Warning: " + w)
		}
		if len(sharing) > 0 {
			ok, err := a.confirm("Go on anyway?", false)
			if err != nil || !ok {
				a.say("Nothing was saved.")
				return err
			}
		}
		if !park {
			if domain, err = a.ask("M365 domain", report.InitialDomain, checkDomain); err != nil {
				return err
			}
			a.say("Tenant ID (from the token): " + report.TenantID)
		}
	}
	// Read the summary back before asking to create: the service as
	// Create will save it, every value cleaned by the rules.
	a.say("Summary:")
	if sum, _, err := in.Parse(a.c.now()); err == nil {
		full := ""
		if sum.FullName != "" {
			full = " (" + sum.FullName + ")"
		}
		a.say(fmt.Sprintf("Service %s%s for %s, %s, %d users.", sum.Name, full, sum.Customer, sum.License.Title(), sum.Users))
		switch {
		case !in.UseKnownApp:
			a.say("No credentials yet: the service is saved pending authentication.")
		case park:
			a.say("The credentials are kept and the service is saved pending authentication: " + present.Verdict(report.Status) + ".")
		default:
			a.say(fmt.Sprintf("Tenant %s, Application ID %s, M365 domain %s, validation %s.", report.TenantID, sum.App.ClientID, present.Or(domain), present.Verdict(report.Status)))
		}
	}
	svc, err := a.c.cases.Create(usecase.NewService{Input: in, NewCustomer: newCustomer, M365Domain: domain, Report: report, Park: park})
	if err != nil {
		a.say("Could not create the service: " + err.Error())
		return nil
	}
	if svc.State == tenant.StatePendingAuth {
		a.say(fmt.Sprintf("Service %s saved, pending authentication. Send this to the customer's admin:", svc.Name))
		a.say(present.Instructions(svc.Name, svc.LastValidation))
		return nil
	}
	a.say(fmt.Sprintf("Service %s created.", svc.Name))
	return a.servicePage(svc.Name)
}

// sayCheck reads out a check: its status, name and detail, and its fix.
func (a *accessible) sayCheck(c tenant.Check) {
	a.say(fmt.Sprintf("%s %s: %s", c.Status.Symbol(), c.Name, c.Detail))
	if c.Fix != "" && c.Status != tenant.StatusPass {
		a.say("  Fix: " + c.Fix)
	}
}

// sayReport reads out a report from the presentation model: the verdict,
// the facts, then each group and its checks.
func (a *accessible) sayReport(r *tenant.ValidationReport) {
	rep := present.ReportOf(r, a.c.clock())
	a.say("Result: " + rep.Verdict + ", " + rep.At + ".")
	a.sayRows(rep.Facts)
	for _, g := range rep.Groups {
		a.say(g.Title + ": " + present.Verdict(g.Status) + ".")
		for _, c := range g.Checks {
			a.say(fmt.Sprintf("%s %s: %s", c.Mark, c.Name, c.Detail))
			if c.Fix != "" {
				a.say("  Fix: " + c.Fix)
			}
		}
	}
}

// sayRows reads out label/value rows, a line each.
func (a *accessible) sayRows(rows []present.Row) {
	for _, r := range rows {
		line := r.Label + ": " + r.Value
		if r.Note != "" {
			line += " (" + r.Note + ")"
		}
		a.say(line + ".")
	}
}

// validate runs a validation of credentials not saved yet, saying each
// check as it completes. It returns nil when the session was cancelled
// (ctrl+c) meanwhile; callers then end with a.ctx.Err() and record nothing.
func (a *accessible) validate(creds tenant.Credentials) *tenant.ValidationReport {
	a.say("Validating…")
	r := a.c.cases.Validate(a.ctx, creds, a.sayCheck)
	if a.ctx.Err() != nil {
		// Cut short by ctrl+c: the report says nothing about the
		// credentials, so it is neither shown as a verdict nor recorded.
		a.say("Validation cancelled; nothing was recorded.")
		return nil
	}
	a.sayVerdict(r)
	return r
}

func (a *accessible) sayVerdict(r *tenant.ValidationReport) {
	rep := present.ReportOf(r, a.c.clock())
	a.say("Result: " + rep.Verdict + ".")
	a.sayRows(rep.Facts)
}

func (a *accessible) services() error {
	sums, err := a.c.cases.Store().ListSummaries()
	if err != nil {
		return fmt.Errorf("read services: %w", err)
	}
	if len(sums) == 0 {
		a.say("No services yet.")
		return nil
	}
	clock := a.c.clock()
	opts := []option{{label: "Back", value: ""}}
	for _, s := range sums {
		r := present.ListRowOf(s, clock)
		opts = append(opts, option{label: s.Name, desc: fmt.Sprintf("%s, %s, %s users, %s, secret %s", r.Customer, s.License.Title(), r.Users, r.Verdict, r.Days), value: s.Name})
	}
	name, err := a.choose("Services", opts)
	if err != nil || name == "" {
		return err
	}
	return a.servicePage(name)
}

func (a *accessible) servicePage(name string) error {
	for {
		svc, err := a.c.cases.Store().GetService(name)
		if err != nil {
			return fmt.Errorf("read service %s: %w", name, err)
		}
		page := present.PageOf(svc, a.c.clock())
		a.say("")
		full := ""
		if page.FullName != "" {
			full = " (" + page.FullName + ")"
		}
		a.say(fmt.Sprintf("Service %s%s of %s, %s.", page.Name, full, page.Customer, page.State))
		a.sayRows(page.Rows)
		opts := []option{{label: "Back", value: "back"}}
		if svc.HasCredentials() {
			opts = append(opts, option{label: "Validate Authentication", value: "validate"}, option{label: "Update client secret", value: "secret"})
		} else {
			opts = append(opts, option{label: "Add credentials", value: "secret"})
		}
		if page.Last != nil {
			opts = append(opts, option{label: "Hear the last validation's checks", value: "checks"})
		}
		opts = append(opts,
			option{label: "Edit license, users, admin", value: "edit"},
			option{label: "Validation history", value: "history"},
			option{label: "Delete service", value: "delete"})
		choice, err := a.choose("Action", opts)
		if err != nil || choice == "back" {
			return err
		}
		switch choice {
		case "validate":
			a.say("Validating…")
			err = a.revalidate(svc.Name)
		case "checks":
			a.sayReport(svc.LastValidation)
		case "secret":
			err = a.newCredentials(svc)
		case "edit":
			err = a.editService(svc)
		case "history":
			err = a.history(svc.Name)
		case "delete":
			ok, err := a.confirm(fmt.Sprintf("Delete service %s and its whole validation history?", svc.Name), false)
			if err != nil {
				return err
			}
			if !ok {
				a.say("Nothing was deleted.")
				continue
			}
			if err := a.c.cases.DeleteService(svc.Name, svc.Version); err != nil {
				a.say(fmt.Sprintf("Could not delete %s: %v", svc.Name, err))
				continue
			}
			a.say("Service " + svc.Name + " deleted.")
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// newCredentials replaces a service's secret after the new one passed
// validation; a service pending authentication gets its Tenant ID,
// Application ID and admin too (Add credentials).
func (a *accessible) newCredentials(svc tenant.Service) error {
	var app tenant.AppRegistration
	var err error
	if !svc.HasCredentials() {
		if app.TenantID, err = a.ask("Tenant ID", svc.App.TenantID, checkTenantID); err != nil {
			return err
		}
		if app.ClientID, err = a.ask("Application (Client) ID", svc.App.ClientID, checkClientID); err != nil {
			return err
		}
		if app.AdminUser, err = a.ask("Customer admin UPN (optional)", svc.App.AdminUser, checkAdmin); err != nil {
			return err
		}
	}
	raw, err := a.askSecret("New client secret (its Value)")
	if err != nil {
		return err
	}
	if app.Secret, _, err = tenant.CleanSecret(raw); err != nil {
		a.say(err.Error())
		return nil
	}
	a.say("Validating…")
	out, err := a.c.cases.NewCredentials(a.ctx, svc, app, a.sayCheck)
	switch {
	case a.ctx.Err() != nil:
		a.say("Validation cancelled; nothing was recorded.")
		return a.ctx.Err()
	case err != nil:
		a.say("Nothing was saved: " + err.Error())
	case out.Unchanged:
		a.say("That is the secret already stored: nothing changed.")
	case !out.Saved && !svc.HasCredentials():
		a.sayVerdict(out.Report)
		a.say("Nothing was saved.")
	case !out.Saved:
		a.sayVerdict(out.Report)
		a.say("The stored secret was not changed.")
	case !svc.HasCredentials():
		a.sayVerdict(out.Report)
		a.say("Credentials saved; the service is " + out.Service.State.Title() + ".")
	default:
		a.sayVerdict(out.Report)
		a.say("Client secret replaced.")
	}
	return nil
}

// editService asks for the license, the licensed users, the admin and,
// where Graph cannot read it, the secret expiry shown in the Entra admin
// center.
func (a *accessible) editService(svc tenant.Service) error {
	license, err := a.chooseFrom("License type", licenseOptions(), string(svc.License))
	if err != nil {
		return err
	}
	users, err := a.ask("Number of licensed users (1–500)", strconv.Itoa(svc.Users), checkUsers)
	if err != nil {
		return err
	}
	admin, err := a.ask("Customer admin UPN (optional; a single - clears it)", svc.App.AdminUser, checkAdminOrClear)
	if err != nil {
		return err
	}
	if admin == "" {
		admin = svc.App.AdminUser
	} else if admin == "-" {
		admin = ""
	}
	e := usecase.Edit{License: &license, Users: &users, Admin: &admin}
	if v, ask := typedExpiry(svc); ask {
		if v, err = a.ask("Secret expires (YYYY-MM-DD as the Entra admin center shows it; Graph cannot read it)", v, checkExpiryDate); err != nil {
			return err
		}
		e.Expiry = &v
	}
	done, err := a.c.cases.EditService(svc, e)
	if err != nil {
		a.say("Could not save: " + err.Error())
		return nil
	}
	a.say(done.Said)
	if done.CheckAdmin {
		a.say("Checking the new customer admin (validating)…")
		return a.revalidate(svc.Name)
	}
	return nil
}

// revalidate validates a stored service again and reads out the verdict;
// ctrl+c ends the session, a failure to record is said and the session
// goes on.
func (a *accessible) revalidate(name string) error {
	out, err := a.c.cases.Revalidate(a.ctx, name, a.sayCheck)
	if a.ctx.Err() != nil {
		a.say("Validation cancelled; nothing was recorded.")
		return a.ctx.Err()
	}
	if err != nil {
		a.say("Could not record the validation: " + err.Error())
		return nil
	}
	a.sayVerdict(out.Report)
	return nil
}

// checkAdminOrClear accepts a UPN, or "-" to clear the admin.
func checkAdminOrClear(v string) (string, bool) {
	if v == "-" {
		return "", false
	}
	return checkAdmin(v)
}

// history lists a service's validations, newest first, and reads out the
// checks of the one chosen.
func (a *accessible) history(name string) error {
	h, err := a.c.cases.Store().History(name)
	if err != nil && !errors.Is(err, usecase.ErrNotFound) {
		a.say("Could not read the history: " + err.Error())
		return nil
	}
	if len(h) == 0 {
		a.say("No validation recorded yet.")
		return nil
	}
	clock := a.c.clock()
	opts := []option{{label: "Back", value: "back"}}
	for i, r := range h {
		opts = append(opts, historyOption(clock, r, i, ", "))
	}
	for {
		choice, err := a.choose(fmt.Sprintf("Validations, newest first (%d); choose one to hear its checks", len(h)), opts)
		if err != nil || choice == "back" {
			return err
		}
		i, _ := strconv.Atoi(choice)
		a.sayReport(&h[i])
	}
}

func (a *accessible) customers() error {
	for {
		cs, err := a.c.cases.Customers()
		if err != nil {
			return err
		}
		a.say(fmt.Sprintf("%d customers:", len(cs)))
		names := make([]string, len(cs))
		counts := map[string]int{}
		list := []option{{label: "Back", value: ""}}
		for i, c := range cs {
			names[i] = c.Name
			counts[tenant.NameKey(c.Name)] = c.Services
			a.say(fmt.Sprintf("- %s, %d services", c.Name, c.Services))
			list = append(list, option{label: c.Name, value: c.Name})
		}
		choice, err := a.choose("Customers", []option{{label: "Back", value: "back"}, {label: "Add a customer", value: "add"},
			{label: "Rename a customer", value: "rename"}, {label: "Delete a customer", value: "delete"}})
		if err != nil || choice == "back" {
			return err
		}
		if choice == "add" {
			name, err := a.ask("Customer name", "", customerNameCheck(names, ""))
			if err != nil {
				return err
			}
			name, _ = tenant.CleanCustomerName(name)
			if _, err := a.c.cases.AddCustomer(name); err != nil {
				a.say("Could not add the customer: " + err.Error())
				continue
			}
			a.say("Customer " + name + " added.")
			continue
		}
		if len(cs) == 0 {
			a.say("No customers yet.")
			continue
		}
		target, err := a.choose("Which customer?", list)
		if err != nil {
			return err
		}
		if target == "" {
			continue
		}
		switch choice {
		case "rename":
			name, err := a.ask("New name for "+target+" (services follow the new name)", "", customerNameCheck(names, target))
			if err != nil {
				return err
			}
			name, _ = tenant.CleanCustomerName(name)
			if err := a.c.cases.RenameCustomer(target, name); err != nil {
				a.say("Could not rename the customer: " + err.Error())
				continue
			}
			a.say(fmt.Sprintf("Customer %s renamed to %s.", target, name))
		case "delete":
			if n := counts[tenant.NameKey(target)]; n > 0 {
				a.say(deleteCustomerError(target, n, usecase.ErrCustomerHasServices))
				continue
			}
			ok, err := a.confirm("Delete customer "+target+"?", false)
			if err != nil {
				return err
			}
			if !ok {
				a.say("Nothing was deleted.")
				continue
			}
			if err := a.c.cases.DeleteCustomer(target); err != nil {
				a.say(deleteCustomerError(target, 0, err))
				continue
			}
			a.say("Customer " + target + " deleted.")
		}
	}
}

func (a *accessible) expiry() error {
	sums, err := a.c.cases.Store().ListSummaries()
	if err != nil {
		return fmt.Errorf("read services: %w", err)
	}
	for _, r := range expiryRows(a.c.clock(), sums) {
		a.say(fmt.Sprintf("- %s (%s): secret %s", r.Name, r.Customer, r.Days))
	}
	ok, err := a.confirm("Validate all services now?", false)
	if err != nil || !ok {
		return err
	}
	done := 0
	res, err := a.c.cases.ValidateAll(a.ctx, nil, usecase.AllConcurrency, func(batch []usecase.Validated, _ int) {
		for _, v := range batch {
			done++
			if v.Err != nil {
				a.say(fmt.Sprintf("%d %s: could not record: %v", done, v.Service.Name, v.Err))
				continue
			}
			a.say(fmt.Sprintf("%d %s: %s", done, v.Service.Name, present.Verdict(v.Report.Status)))
		}
	})
	if err != nil {
		a.say("Could not validate: " + err.Error())
		return nil
	}
	a.say(fmt.Sprintf("Validated %d of %d services with credentials; %d failed.", res.Recorded, res.Total, res.Failed))
	return nil
}
