package wizard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/term"

	"onboard/store"
	"onboard/tenant"
)

// The accessible mode (ACCESSIBLE=1 or TERM=dumb): no alternate screen and
// no redrawing, only huh's accessible prompts, one line after another, so a
// screen reader reads everything in order. It covers what the full-screen
// wizard does, through the same rules (tenant), validator and writes (ops.go).

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
			a.say(fmt.Sprintf("- %s. %s. Tenant ID %s, Application ID %s, secret %s, admin %s.", d.Label, d.Outcome, d.TenantID, d.ClientID, d.Secret, orDash(d.AdminUPN)))
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		choice, err := a.choose("Main menu", []option{
			{label: "Add service", value: "add"},
			{label: "Services", value: "services"},
			{label: "Customers", value: "customers"},
			{label: "Secret expiry", value: "expiry"},
			{label: "Quit", value: "quit"},
		})
		if err != nil {
			return a.end(err)
		}
		switch choice {
		case "add":
			err = a.addService()
		case "services":
			err = a.services()
		case "customers":
			err = a.customers()
		case "expiry":
			err = a.expiry()
		case "quit":
			return nil
		}
		if err != nil {
			return a.end(err)
		}
	}
}

// end turns the end of the input into a normal end of the session.
func (a *accessible) end(err error) error {
	if errors.Is(err, errInputClosed) {
		return nil
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
// option whose value is def.
func (a *accessible) chooseFrom(title string, opts []option, def string) (string, error) {
	v := def
	hopts := make([]huh.Option[string], len(opts))
	for i, o := range opts {
		label := o.label
		if o.desc != "" {
			label += " (" + o.desc + ")"
		}
		hopts[i] = huh.NewOption(label, o.value)
	}
	sel := huh.NewSelect[string]().Title(title).Options(hopts...).Value(&v)
	a.say("")
	if err := sel.RunAccessible(a.out, a.in); err != nil {
		return "", err
	}
	if err := a.closed(); err != nil {
		return "", err
	}
	return v, nil
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

// askSecret reads the client secret without echo on a terminal; piped
// input has no echo to hide.
func (a *accessible) askSecret(title string) (string, error) {
	if f, ok := a.raw.(*os.File); ok && term.IsTerminal(f.Fd()) {
		var v string
		in := huh.NewInput().Title(title).EchoMode(huh.EchoModePassword).Value(&v).Validate(func(s string) error {
			if msg, bad := checkSecret(s); bad {
				return errors.New(msg)
			}
			return nil
		})
		if err := in.RunAccessible(a.out, f); err != nil {
			return "", err
		}
		if msg, _ := checkSecret(v); msg != "" {
			a.say(msg)
		}
		return v, nil
	}
	a.say("(the secret is not echoed back)")
	v, err := a.ask(title, "", checkSecret)
	return v, err
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
	customers, err := a.c.store.ListCustomers()
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
	svcs, err := a.c.store.ListServices()
	if err != nil {
		return fmt.Errorf("read services: %w", err)
	}
	for _, s := range svcs {
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
	if in.UseKnownApp {
		for {
			if in.TenantID, err = a.ask("Tenant ID (GUID or domain)", in.TenantID, checkTenantID); err != nil {
				return err
			}
			if in.ClientID, err = a.ask("Application (Client) ID", in.ClientID, checkClientID); err != nil {
				return err
			}
			if in.Secret, err = a.askSecret("Client secret (its Value)"); err != nil {
				return err
			}
			if in.AdminUser, err = a.ask("Customer admin UPN (optional)", in.AdminUser, checkAdmin); err != nil {
				return err
			}
			svc, _, err := in.Parse(a.c.now())
			if err != nil {
				a.say(err.Error())
				continue
			}
			report = a.validate(tenant.Credentials{TenantID: svc.App.TenantID, ClientID: svc.App.ClientID, Secret: svc.App.Secret, AdminUPN: svc.App.AdminUser})
			if report == nil {
				return a.ctx.Err()
			}
			if report.Passed() {
				break
			}
			next, err := a.choose("Validation failed; nothing was saved", []option{
				{label: "Edit credentials", value: "edit"}, {label: "Cancel onboarding", value: "cancel"}})
			if err != nil || next == "cancel" {
				return err
			}
		}
		if domain, err = a.ask("M365 domain", report.InitialDomain, checkDomain); err != nil {
			return err
		}
		a.say("Tenant ID (from the token): " + report.TenantID)
	}
	ok, err := a.confirm(fmt.Sprintf("Create service %s for %s?", in.Name, in.Customer), true)
	if err != nil || !ok {
		a.say("Nothing was saved.")
		return err
	}
	svc, err := createService(a.c.store, a.c.now(), in, newCustomer, domain, report)
	if err != nil {
		a.say("Could not create the service: " + err.Error())
		return nil
	}
	if svc.State == tenant.StatePendingAuth {
		a.say(fmt.Sprintf("Service %s saved, pending authentication. Send this to the customer's admin:", svc.Name))
		a.say(adminInstructions(svc.Name))
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

// validate runs a validation, saying each check as it completes. It
// returns nil when the session was cancelled (ctrl+c) meanwhile; callers
// then end with a.ctx.Err() and record nothing.
func (a *accessible) validate(creds tenant.Credentials) *tenant.ValidationReport {
	a.say("Validating…")
	r := a.c.validator.Validate(a.ctx, creds, a.sayCheck)
	if a.ctx.Err() != nil {
		// Cut short by ctrl+c: the report says nothing about the
		// credentials, so it is neither shown as a verdict nor recorded.
		a.say("Validation cancelled; nothing was recorded.")
		return nil
	}
	a.say("Result: " + plainVerdict(r) + ".")
	if r.Passed() {
		expires := "secret " + daysLeft(r.DaysUntilExpire)
		if r.SecretExpiresAt != nil {
			expires = fmt.Sprintf("secret expires %s (%s)", dateText(r.SecretExpiresAt), daysLeft(r.DaysUntilExpire))
		}
		a.say(fmt.Sprintf("Tenant %s, initial domain %s, %s.", orDash(r.TenantName), orDash(r.InitialDomain), expires))
	} else if r.AADSTS != "" {
		a.say(fmt.Sprintf("AADSTS%s, correlation ID %s.", strings.TrimPrefix(r.AADSTS, "AADSTS"), orDash(r.CorrelationID)))
	}
	return r
}

func (a *accessible) services() error {
	svcs, err := a.c.store.ListServices()
	if err != nil {
		return fmt.Errorf("read services: %w", err)
	}
	if len(svcs) == 0 {
		a.say("No services yet.")
		return nil
	}
	opts := []option{{label: "Back", value: ""}}
	for _, s := range svcs {
		days, _ := daysText(a.c.styles, s.DaysUntilExpire(a.c.now()))
		verdict := "never validated"
		if s.LastValidation != nil {
			verdict = plainVerdict(s.LastValidation)
		}
		opts = append(opts, option{label: s.Name, desc: fmt.Sprintf("%s, %s, %d users, %s, secret %s", s.Customer, s.License.Title(), s.Users, verdict, days), value: s.Name})
	}
	name, err := a.choose("Services", opts)
	if err != nil || name == "" {
		return err
	}
	return a.servicePage(name)
}

func (a *accessible) servicePage(name string) error {
	for {
		svc, err := a.c.store.GetService(name)
		if err != nil {
			return fmt.Errorf("read service %s: %w", name, err)
		}
		r := svc.LastValidation
		a.say("")
		a.say(fmt.Sprintf("Service %s of %s, %s, %s, %d users.", svc.Name, svc.Customer, svc.State.Title(), svc.License.Title(), svc.Users))
		a.say("User Name: " + orDash(svc.App.AdminUser))
		a.say("Tenant ID: " + orDash(svc.App.TenantID))
		a.say("Application ID: " + orDash(svc.App.ClientID))
		a.say("Client secret: " + orDash(svc.App.Secret.Masked()))
		expires := "unknown"
		if at, ok := svc.SecretExpiry(); ok {
			expires = at.UTC().Format(dateLayout)
			if !expiryReadable(svc) {
				expires += " (typed from the Entra admin center)"
			}
		}
		a.say("Secret expires: " + expires + ", " + daysLeft(svc.DaysUntilExpire(a.c.now())) + ".")
		if r != nil {
			a.say("Entra roles: " + orDash(strings.Join(r.Roles, ", ")))
			a.say("Graph permissions: " + orDash(strings.Join(r.Permissions, ", ")))
			a.say("M365 domain: " + orDash(svc.M365Domain))
			a.say("Last validation: " + plainVerdict(r) + " at " + r.At.UTC().Format("2006-01-02 15:04") + " UTC.")
		}
		opts := []option{{label: "Back", value: "back"}}
		if svc.State != tenant.StatePendingAuth {
			opts = append(opts, option{label: "Validate Authentication", value: "validate"}, option{label: "Update client secret", value: "secret"})
		} else {
			opts = append(opts, option{label: "Add credentials", value: "secret"})
		}
		opts = append(opts,
			option{label: "Edit license / users", value: "edit"},
			option{label: "Validation history", value: "history"},
			option{label: "Delete service", value: "delete"})
		choice, err := a.choose("Action", opts)
		if err != nil || choice == "back" {
			return err
		}
		switch choice {
		case "validate":
			rep := a.validate(tenant.CredentialsOf(svc))
			if rep == nil {
				return a.ctx.Err()
			}
			if err := a.c.store.RecordValidation(svc.Name, *rep); err != nil {
				a.say("Could not record the validation: " + err.Error())
			}
		case "secret":
			err = a.newSecret(svc)
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
			if err := a.c.store.DeleteService(svc.Name); err != nil {
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

// newSecret replaces a service's secret after the new one passed
// validation; a pending service gets its Tenant ID, Application ID and
// admin too (Add credentials).
func (a *accessible) newSecret(svc tenant.Service) error {
	creds := tenant.CredentialsOf(svc)
	var app *tenant.AppRegistration
	var err error
	if svc.State == tenant.StatePendingAuth {
		app = &tenant.AppRegistration{}
		if app.TenantID, err = a.ask("Tenant ID", svc.App.TenantID, checkTenantID); err != nil {
			return err
		}
		if app.ClientID, err = a.ask("Application (Client) ID", svc.App.ClientID, checkClientID); err != nil {
			return err
		}
		if app.AdminUser, err = a.ask("Customer admin UPN (optional)", svc.App.AdminUser, checkAdmin); err != nil {
			return err
		}
		app.TenantID, _, _ = tenant.ParseTenantID(app.TenantID)
		app.ClientID, _ = tenant.ParseClientID(app.ClientID)
		app.AdminUser, _ = tenant.CleanAdminUPN(app.AdminUser)
		creds.TenantID, creds.ClientID, creds.AdminUPN = app.TenantID, app.ClientID, app.AdminUser
	}
	raw, err := a.askSecret("New client secret (its Value)")
	if err != nil {
		return err
	}
	secret, _, err := tenant.CleanSecret(raw)
	if err != nil {
		a.say(err.Error())
		return nil
	}
	creds.Secret = secret
	rep := a.validate(creds)
	if rep == nil {
		return a.ctx.Err()
	}
	switch err := saveNewSecret(a.c.store, svc.Name, app, secret, rep); {
	case err != nil && app != nil:
		a.say("Nothing was saved: " + err.Error())
	case err != nil:
		a.say("The stored secret was not changed: " + err.Error())
	case app != nil:
		a.say("Credentials saved; the service is active.")
	default:
		a.say("Client secret replaced.")
	}
	return nil
}

// editService asks for the license, the licensed users and, where Graph
// cannot read it, the secret expiry shown in the Entra admin center.
func (a *accessible) editService(svc tenant.Service) error {
	license, err := a.chooseFrom("License type", licenseOptions(), string(svc.License))
	if err != nil {
		return err
	}
	users, err := a.ask("Number of licensed users (1–500)", strconv.Itoa(svc.Users), checkUsers)
	if err != nil {
		return err
	}
	var typed *string
	if !expiryReadable(svc) {
		v := ""
		if at := svc.App.ManualExpiry; at != nil {
			v = at.UTC().Format(dateLayout)
		}
		if v, err = a.ask("Secret expires (YYYY-MM-DD as the Entra admin center shows it; Graph cannot read it)", v, checkExpiryDate); err != nil {
			return err
		}
		typed = &v
	}
	done, err := editService(a.c.store, svc.Name, license, users, typed)
	if err != nil {
		a.say("Could not save: " + err.Error())
		return nil
	}
	a.say(done)
	return nil
}

// history lists a service's validations, newest first, and reads out the
// checks of the one chosen.
func (a *accessible) history(name string) error {
	h, err := a.c.store.History(name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.say("Could not read the history: " + err.Error())
		return nil
	}
	if len(h) == 0 {
		a.say("No validation recorded yet.")
		return nil
	}
	opts := []option{{label: "Back", value: "back"}}
	for i, r := range h {
		opts = append(opts, option{label: r.At.UTC().Format("2006-01-02 15:04") + " UTC, " + plainVerdict(&r),
			desc: "secret " + r.SecretHint + "…, " + daysLeft(r.DaysUntilExpire), value: strconv.Itoa(i)})
	}
	for {
		choice, err := a.choose(fmt.Sprintf("Validations, newest first (%d); choose one to hear its checks", len(h)), opts)
		if err != nil || choice == "back" {
			return err
		}
		i, _ := strconv.Atoi(choice)
		r := h[i]
		for _, c := range r.Checks {
			a.sayCheck(c)
		}
		if r.AADSTS != "" {
			a.say(fmt.Sprintf("AADSTS%s, correlation ID %s.", strings.TrimPrefix(r.AADSTS, "AADSTS"), orDash(r.CorrelationID)))
		}
	}
}

func (a *accessible) customers() error {
	for {
		cs, err := a.c.store.ListCustomers()
		if err != nil {
			return fmt.Errorf("read customers: %w", err)
		}
		svcs, err := a.c.store.ListServices()
		if err != nil {
			return fmt.Errorf("read services: %w", err)
		}
		counts := map[string]int{}
		for _, s := range svcs {
			counts[tenant.NameKey(s.Customer)]++
		}
		a.say(fmt.Sprintf("%d customers:", len(cs)))
		names := make([]string, len(cs))
		list := []option{{label: "Back", value: ""}}
		for i, c := range cs {
			names[i] = c.Name
			a.say(fmt.Sprintf("- %s, %d services", c.Name, counts[tenant.NameKey(c.Name)]))
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
			if _, err := a.c.store.CreateCustomer(name); err != nil {
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
			if err := a.c.store.RenameCustomer(target, name); err != nil {
				a.say("Could not rename the customer: " + err.Error())
				continue
			}
			a.say(fmt.Sprintf("Customer %s renamed to %s.", target, name))
		case "delete":
			if n := counts[tenant.NameKey(target)]; n > 0 {
				a.say(deleteCustomerError(target, n, store.ErrCustomerHasServices))
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
			if err := a.c.store.DeleteCustomer(target); err != nil {
				a.say(deleteCustomerError(target, 0, err))
				continue
			}
			a.say("Customer " + target + " deleted.")
		}
	}
}

func (a *accessible) expiry() error {
	svcs, err := a.c.store.ListServices()
	if err != nil {
		return fmt.Errorf("read services: %w", err)
	}
	now := a.c.now()
	slices.SortStableFunc(svcs, func(a, b tenant.Service) int {
		return compareDays(a.DaysUntilExpire(now), b.DaysUntilExpire(now))
	})
	for _, s := range svcs {
		days, _ := daysText(a.c.styles, s.DaysUntilExpire(now))
		a.say(fmt.Sprintf("- %s (%s): secret %s", s.Name, s.Customer, days))
	}
	ok, err := a.confirm("Validate all services now?", false)
	if err != nil || !ok {
		return err
	}
	var todo []tenant.Service
	for _, s := range svcs {
		if s.State != tenant.StatePendingAuth {
			todo = append(todo, s)
		}
	}
	done := 0
	validateAll(a.ctx, a.c.validator, a.c.store, todo, func(batch []store.Recorded, err error) {
		for _, r := range batch {
			done++
			a.say(fmt.Sprintf("%d/%d %s: %s", done, len(todo), r.Name, plainVerdict(&r.Report)))
		}
		if err != nil {
			a.say("Could not record: " + err.Error())
		}
	})
	return nil
}
