// Package usecase is onboard's service layer: every use case a support
// engineer has — add a service, create the customer's App registration
// with the admin's sign-in (createapp.go), add credentials to a pending
// one, replace a secret, re-validate one or all, edit, delete, the expiry
// watch — written
// once, against small interfaces for the storage (store.go) and the
// validator. The screens, the accessible mode and every command only gather
// input and present results; none of them orders store and validator calls
// itself.
//
// It imports the domain (tenant) only: never the Entra client, a storage
// backend, the screens or the commands.
package usecase

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"onboard/tenant"
)

// Validator is what the use cases need from the Entra ID client.
type Validator interface {
	// Validate never returns nil; progress (may be nil) gets each check.
	Validate(ctx context.Context, c tenant.Credentials, progress func(tenant.Check)) *tenant.ValidationReport
	// ValidateMany validates services, at most concurrency at a time, and
	// calls each (never concurrently) with every report as it finishes;
	// validations cut short by ctx are not delivered.
	ValidateMany(ctx context.Context, services []tenant.Service, concurrency int, each func(tenant.Service, *tenant.ValidationReport))
}

// Options configure the use cases.
type Options struct {
	// Now is the clock (nil = time.Now): new records, days until expire.
	Now func() time.Time
	// Actor is who acts; reports are stamped with the engineer.
	Actor Actor
	// Creator creates a customer's App registration with the admin's
	// sign-in (createapp.go); nil: the use cases cannot create one.
	Creator AppCreator
	// ReplicationWait is the first wait before validating a created App
	// registration again while Entra ID replicates it (0 = 2 s), and
	// ReplicationBudget how long it may take in all (0 = 2 min).
	ReplicationWait, ReplicationBudget time.Duration
}

// Cases are the use cases over one store and one validator. Safe for
// concurrent use (the store and validator are).
type Cases struct {
	store Store
	val   Validator
	now   func() time.Time
	actor Actor
	apps  creating
}

// New returns the use cases over st and v.
func New(st Store, v Validator, opts Options) *Cases {
	c := &Cases{store: st, val: v, now: opts.Now, actor: opts.Actor,
		apps: creating{creator: opts.Creator, wait: opts.ReplicationWait, budget: opts.ReplicationBudget}}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Now is the use cases' clock.
func (c *Cases) Now() time.Time { return c.now() }

// Store is the storage the use cases run on (for reads the screens make:
// summaries, a service, its history).
func (c *Cases) Store() Store { return c.store }

// --- Customers ---------------------------------------------------------

// CustomerRow is a customer with the number of its services.
type CustomerRow struct {
	tenant.Customer
	Services int
}

// Customers lists every customer with its number of services.
func (c *Cases) Customers() ([]CustomerRow, error) {
	cs, err := c.store.ListCustomers()
	if err != nil {
		return nil, fmt.Errorf("read the customers: %w", err)
	}
	sums, err := c.store.ListSummaries()
	if err != nil {
		return nil, fmt.Errorf("read the services: %w", err)
	}
	count := map[string]int{}
	for _, s := range sums {
		count[tenant.NameKey(s.Customer)]++
	}
	rows := make([]CustomerRow, len(cs))
	for i, cu := range cs {
		rows[i] = CustomerRow{Customer: cu, Services: count[tenant.NameKey(cu.Name)]}
	}
	return rows, nil
}

// AddCustomer adds a customer (cleaned, unique ignoring case).
func (c *Cases) AddCustomer(name string) (tenant.Customer, error) {
	return c.store.CreateCustomer(name)
}

// RenameCustomer renames a customer; its services follow.
func (c *Cases) RenameCustomer(old, new string) error { return c.store.RenameCustomer(old, new) }

// DeleteCustomer removes a customer without services.
func (c *Cases) DeleteCustomer(name string) error { return c.store.DeleteCustomer(name) }

// --- Adding a service --------------------------------------------------

// CheckNew applies every rule a new service must meet before its secret is
// asked for: the input rules (all of them, joined), that the customer
// exists (its stored spelling is taken) and that the short name is free.
// A command refuses bad input here, before any network call.
func (c *Cases) CheckNew(in tenant.ServiceInput, newCustomer bool) (tenant.Service, error) {
	svc, err := in.ParseBeforeSecret(c.now())
	var broken tenant.Rules
	if err != nil {
		var rs tenant.Rules
		var re *tenant.RuleError
		switch {
		case errors.As(err, &rs):
			broken = rs
		case errors.As(err, &re):
			broken = tenant.Rules{re}
		default:
			return tenant.Service{}, err
		}
	}
	fieldOK := func(field string) bool {
		for _, r := range broken {
			if r.Field == field {
				return false
			}
		}
		return true
	}
	// The store's rules too, for the names that are well-formed, so one
	// run reports everything that stands in the way.
	if !newCustomer && fieldOK("customer name") {
		name, _ := tenant.CleanCustomerName(in.Customer)
		cu, err := c.store.GetCustomer(name)
		switch {
		case errors.Is(err, ErrNotFound):
			broken = append(broken, &tenant.RuleError{Field: "customer", Rule: MissingCustomer(name).Error()})
		case err != nil:
			return tenant.Service{}, fmt.Errorf("look up customer %q: %w", name, err)
		default:
			svc.Customer = cu.Name
		}
	}
	if fieldOK("short name") {
		switch existing, err := c.store.GetService(in.Name); {
		case err == nil:
			broken = append(broken, ruleOf(ServiceExists(existing.Name)))
		case errors.Is(err, ErrCannotUnseal):
			broken = append(broken, ruleOf(ServiceExists(in.Name)))
		case !errors.Is(err, ErrNotFound):
			return tenant.Service{}, fmt.Errorf("look up service %q: %w", in.Name, err)
		}
	}
	if err := broken.Err(); err != nil {
		return tenant.Service{}, err
	}
	return svc, nil
}

// ruleOf is the broken rule an error carries.
func ruleOf(err error) *tenant.RuleError {
	var re *tenant.RuleError
	errors.As(err, &re)
	return re
}

// Validate runs Validate Authentication on credentials that are not saved
// yet (the wizard's credentials step, a new secret): nothing is recorded.
func (c *Cases) Validate(ctx context.Context, creds tenant.Credentials, progress func(tenant.Check)) *tenant.ValidationReport {
	r := c.val.Validate(ctx, creds, progress)
	r.By = c.actor.Engineer
	return r
}

// NewService is what Create saves.
type NewService struct {
	// Input is everything typed, as typed.
	Input tenant.ServiceInput
	// NewCustomer: the customer is created with the service (and removed
	// again when the service cannot be saved).
	NewCustomer bool
	// M365Domain is the domain chosen (empty: the tenant's initial one).
	M365Domain string
	// Report is the validation of the credentials (UseKnownApp only).
	Report *tenant.ValidationReport
	// Park saves a service whose validation failed on the customer's side
	// as pending authentication, with the credentials typed (the secret
	// sealed as usual), to be re-validated later. Any other failure is
	// refused with tenant.ErrNotValidated, parked or not.
	Park bool
}

// Create applies the rules and saves a new service: with a known App
// registration it must have passed validation (warnings allowed), or be
// parked; without one it is saved pending authentication. Nothing is left
// behind when it fails.
func (c *Cases) Create(req NewService) (tenant.Service, error) {
	svc, _, err := req.Input.Parse(c.now())
	if err != nil {
		return tenant.Service{}, err
	}
	if req.Input.UseKnownApp {
		if svc.M365Domain, err = tenant.CleanM365Domain(req.M365Domain); err != nil {
			return tenant.Service{}, err
		}
		r := req.Report
		if r == nil {
			return tenant.Service{}, tenant.ErrNotValidated
		}
		r.Trigger = tenant.TriggerCreated
		// Only a failure on the customer's side may be parked: wrong
		// credentials are never saved, whoever asks.
		if req.Park && !r.Passed() && r.CustomerSide() {
			svc.Apply(r)
			svc.State = tenant.StatePendingAuth
		} else if err := svc.Activate(r); err != nil {
			return tenant.Service{}, err
		}
	}
	if req.NewCustomer {
		if _, err := c.store.CreateCustomer(svc.Customer); err != nil {
			return tenant.Service{}, fmt.Errorf("create customer %q: %w", svc.Customer, err)
		}
	}
	if err := c.store.CreateService(svc); err != nil {
		if req.NewCustomer {
			_ = c.store.DeleteCustomer(svc.Customer)
		}
		return tenant.Service{}, err
	}
	return c.store.GetService(svc.Name)
}

// Sharing is another service that uses the same customer tenant, or the
// same App registration with the same secret: a mix-up to warn about
// (customer Contoso ending up with Fabrikam's tenant), or the provider's
// advice broken (a new secret per service).
type Sharing struct {
	Service, Customer string
	// OtherCustomer: the tenant is another customer's.
	OtherCustomer bool
	// SameSecret: the same App registration and the same secret.
	SameSecret bool
}

// Warning is the sharing in a sentence.
func (s Sharing) Warning(tenantID string) string {
	if s.SameSecret {
		return fmt.Sprintf("Service %s of %s already uses this App registration with the same client secret: each service should get its own secret.", s.Service, s.Customer)
	}
	return fmt.Sprintf("Tenant %s is already used by service %s of another customer, %s: check that this is the right customer's tenant.", tenantID, s.Service, s.Customer)
}

// Sharings lists the services a new service for customer would share its
// tenant (tenantID, a GUID or a domain) with, when they belong to another
// customer, and those using the same App registration and secret. With a
// zero secret only the tenant is compared (a command checks before the
// secret is read).
func (c *Cases) Sharings(customer, tenantID, clientID string, secret tenant.Secret) ([]Sharing, error) {
	sums, err := c.store.ListSummaries()
	if err != nil {
		return nil, fmt.Errorf("read the services: %w", err)
	}
	var out []Sharing
	for _, s := range sums {
		if tenant.NameKey(s.Customer) != tenant.NameKey(customer) && s.IsTenant(tenantID) {
			out = append(out, Sharing{Service: s.Name, Customer: s.Customer, OtherCustomer: true})
			continue
		}
		if secret.IsZero() || !s.HasSecret || !strings.EqualFold(s.ClientID, clientID) || s.SecretHint != secret.Masked() {
			continue
		}
		other, err := c.store.GetService(s.Name)
		if err != nil {
			continue // unreadable: nothing to compare
		}
		if other.App.Secret.Reveal() == secret.Reveal() {
			out = append(out, Sharing{Service: s.Name, Customer: s.Customer, SameSecret: true})
		}
	}
	return out, nil
}

// --- Credentials of a saved service ------------------------------------

// Outcome is what a validation of a saved service did.
type Outcome struct {
	Report *tenant.ValidationReport
	// Saved: the new credentials replaced the stored ones (or the report
	// was recorded, for a re-validation).
	Saved bool
	// Unchanged: the secret typed is the one already stored.
	Unchanged bool
	// Service is the service as stored afterwards.
	Service tenant.Service
}

// NewCredentials validates new credentials for a saved service and, when
// they pass, saves them with their report in one step: a new secret for an
// active service (the IDs stay), or the whole App registration of a
// service pending authentication. A failed new secret changes nothing; its
// report is kept in the history as an attempt. opened is the service as
// the engineer saw it (its Version guards against a teammate's change).
func (c *Cases) NewCredentials(ctx context.Context, opened tenant.Service, app tenant.AppRegistration, progress func(tenant.Check)) (Outcome, error) {
	if app.Secret.IsZero() {
		return Outcome{}, &tenant.RuleError{Field: "client secret", Rule: "the client secret is required"}
	}
	pending := opened.State == tenant.StatePendingAuth || !opened.HasCredentials()
	trigger := tenant.TriggerSecret
	if pending {
		tid, _, err := tenant.ParseTenantID(app.TenantID)
		if err != nil {
			return Outcome{}, err
		}
		cid, err := tenant.ParseClientID(app.ClientID)
		if err != nil {
			return Outcome{}, err
		}
		admin, err := tenant.CleanAdminUPN(app.AdminUser)
		if err != nil {
			return Outcome{}, err
		}
		app.TenantID, app.ClientID, app.AdminUser = tid, cid, admin
		trigger = tenant.TriggerCredentials
	} else {
		if app.Secret.Reveal() == opened.App.Secret.Reveal() {
			return Outcome{Unchanged: true, Service: opened}, nil
		}
		app.TenantID, app.ClientID, app.AdminUser = opened.App.TenantID, opened.App.ClientID, opened.App.AdminUser
	}
	r := c.Validate(ctx, tenant.Credentials{TenantID: app.TenantID, ClientID: app.ClientID, Secret: app.Secret, AdminUPN: app.AdminUser}, progress)
	if ctx.Err() != nil {
		return Outcome{}, ctx.Err()
	}
	if !r.Passed() {
		r.Trigger = tenant.TriggerAttempt
		errs := c.store.RecordValidations([]Recorded{{Name: opened.Name, Report: *r}})
		if errs[0] != nil {
			return Outcome{Report: r}, errs[0]
		}
		return Outcome{Report: r, Service: opened}, nil
	}
	r.Trigger = trigger
	if err := c.store.SaveCredentials(opened.Name, opened.Version, app, *r); err != nil {
		return Outcome{Report: r}, fmt.Errorf("save the credentials of %s: %w", opened.Name, err)
	}
	svc, err := c.store.GetService(opened.Name)
	return Outcome{Report: r, Saved: true, Service: svc}, err
}

// Revalidate runs Validate Authentication on a saved service's credentials
// and records the report (what an earlier report of the same secret knew
// and this one could not read is kept). A validation cut short by ctx is
// not recorded: it says nothing about the credentials.
func (c *Cases) Revalidate(ctx context.Context, name string, progress func(tenant.Check)) (Outcome, error) {
	svc, err := c.store.GetService(name)
	if err != nil {
		return Outcome{}, err
	}
	if !svc.HasCredentials() {
		return Outcome{}, nothingToValidate(svc.Name)
	}
	r := c.Validate(ctx, tenant.CredentialsOf(svc), progress)
	if ctx.Err() != nil {
		return Outcome{}, ctx.Err()
	}
	r.Trigger = tenant.TriggerRevalidated
	tenant.CarryFacts(svc.LastValidation, r)
	if errs := c.store.RecordValidations([]Recorded{{Name: svc.Name, Report: *r}}); errs[0] != nil {
		return Outcome{Report: r}, errs[0]
	}
	after, err := c.store.GetService(svc.Name)
	return Outcome{Report: r, Saved: true, Service: after}, err
}

// nothingToValidate refuses to validate a service pending authentication.
func nothingToValidate(name string) error {
	return &tenant.RuleError{Field: "service", Rule: fmt.Sprintf("service %s is pending authentication: it has no App registration credentials to validate yet", name)}
}

// --- Validate all ------------------------------------------------------

// Validated is one finished validation of a batch run, recorded or not.
type Validated struct {
	// Service is the service with the report applied (when recorded).
	Service tenant.Service
	Report  *tenant.ValidationReport
	// Err is why the report could not be recorded (nil: recorded).
	Err error
}

// AllResult is what ValidateAll did.
type AllResult struct {
	// Total is the number of services validated (or to validate).
	Total int
	// Recorded and Failed count the reports recorded and, of those, the
	// failed verdicts; NotRecorded those that could not be written.
	Recorded, Failed, NotRecorded int
	// Pending are the services skipped for having no credentials.
	Pending []string
	// Unreadable are the services the store could not read.
	Unreadable []Unreadable
	// Interrupted: ctx ended before every service was validated.
	Interrupted bool
}

// AllConcurrency bounds the validations in flight for the wizard: enough
// to hide round trips, few enough not to be throttled by Entra ID.
const AllConcurrency = 8

// ValidateAll re-validates services and records the reports in batches:
// every write (one transaction) takes what arrived while the previous one
// was written, so validations never wait for the disk. names limits it to
// those services (nil: every service with credentials; a named one pending
// authentication is refused). each (may be nil) is called, never
// concurrently, with every batch as it is recorded and the number of
// services being validated. On ctx's end no more
// validations start, those cut short are not recorded, everything
// delivered is recorded before ValidateAll returns.
func (c *Cases) ValidateAll(ctx context.Context, names []string, concurrency int, each func(batch []Validated, total int)) (AllResult, error) {
	todo, res, err := c.toValidate(names)
	if err != nil {
		return res, err
	}
	res.Total = len(todo)
	validateInBatches(ctx, c.val, todo, concurrency, func(done []Validated) {
		batch := make([]Recorded, len(done))
		for i := range done {
			r := done[i].Report
			r.Trigger, r.By = tenant.TriggerValidateAll, c.actor.Engineer
			tenant.CarryFacts(done[i].Service.LastValidation, r)
			batch[i] = Recorded{Name: done[i].Service.Name, Report: *r}
		}
		errs := c.store.RecordValidations(batch)
		for i := range done {
			if done[i].Err = errs[i]; errs[i] != nil {
				res.NotRecorded++
				continue
			}
			done[i].Service.Apply(done[i].Report)
			res.Recorded++
			if done[i].Report.Status == tenant.StatusFail {
				res.Failed++
			}
		}
		if each != nil {
			each(done, res.Total)
		}
	})
	res.Interrupted = ctx.Err() != nil && res.Recorded+res.NotRecorded < res.Total
	return res, nil
}

// toValidate resolves what ValidateAll validates, before any network call:
// an unknown name is an error with nothing validated.
func (c *Cases) toValidate(names []string) ([]tenant.Service, AllResult, error) {
	var res AllResult
	if names == nil {
		l, err := c.store.ListServices()
		if err != nil {
			return nil, res, fmt.Errorf("list the services: %w", err)
		}
		res.Unreadable = l.Unreadable
		var todo []tenant.Service
		for _, s := range l.Services {
			if s.HasCredentials() {
				todo = append(todo, s)
			} else {
				res.Pending = append(res.Pending, s.Name)
			}
		}
		return todo, res, nil
	}
	var todo []tenant.Service
	seen := map[string]bool{}
	for _, n := range names {
		s, err := c.store.GetService(n)
		if err != nil {
			return nil, res, err
		}
		if seen[tenant.NameKey(s.Name)] {
			continue
		}
		seen[tenant.NameKey(s.Name)] = true
		if !s.HasCredentials() {
			return nil, res, nothingToValidate(s.Name)
		}
		todo = append(todo, s)
	}
	return todo, res, nil
}

// --- Editing and deleting ----------------------------------------------

// Edit is what the engineer may change on a saved service; nil fields stay.
type Edit struct {
	License *string
	Users   *string
	// Admin is the customer admin's UPN ("" clears it).
	Admin *string
	// Expiry is the secret expiry typed from the Entra admin center,
	// YYYY-MM-DD ("" = unknown); only where Graph cannot read it.
	Expiry *string
}

// Edited is what an edit saved.
type Edited struct {
	// Said is what was saved, in words.
	Said string
	// CheckAdmin: a new customer admin was saved on a service with
	// credentials; re-validate it (Revalidate) at once, so no page shows
	// a User Name nobody has looked up.
	CheckAdmin bool
}

// EditService saves an edit made on opened (its Version guards against a
// teammate's change meanwhile).
func (c *Cases) EditService(opened tenant.Service, e Edit) (Edited, error) {
	var (
		lic    tenant.License
		users  int
		expiry *time.Time
		admin  string
		err    error
	)
	if e.License != nil {
		if lic, err = tenant.ParseLicense(*e.License); err != nil {
			return Edited{}, err
		}
	}
	if e.Users != nil {
		if users, err = tenant.ParseUsers(*e.Users); err != nil {
			return Edited{}, err
		}
	}
	if e.Admin != nil {
		if admin, err = tenant.CleanAdminUPN(*e.Admin); err != nil {
			return Edited{}, err
		}
	}
	if e.Expiry != nil {
		if expiry, err = tenant.ParseExpiryDate(*e.Expiry); err != nil {
			return Edited{}, err
		}
	}
	var saved tenant.Service
	err = c.store.UpdateService(opened.Name, opened.Version, func(s *tenant.Service) error {
		if e.License != nil {
			s.License = lic
		}
		if e.Users != nil {
			s.Users = users
		}
		if e.Admin != nil {
			s.App.AdminUser = admin
		}
		if e.Expiry != nil {
			s.App.ManualExpiry = expiry
		}
		saved = *s
		return nil
	})
	if err != nil {
		return Edited{}, fmt.Errorf("save service %s: %w", opened.Name, err)
	}
	return Edited{
		Said:       fmt.Sprintf("Saved: %s, %d users.", saved.License.Title(), saved.Users),
		CheckAdmin: saved.App.AdminUser != opened.App.AdminUser && saved.App.AdminUser != "" && opened.HasCredentials(), // an edit keeps the credentials; the stored copy fn saw has its secret sealed
	}, nil
}

// DeleteService removes a service and its history (opened's Version
// guards against a teammate's change; 0 skips the check).
func (c *Cases) DeleteService(name string, version int64) error {
	return c.store.DeleteService(name, version)
}

// --- The expiry watch --------------------------------------------------

// Expiring lists the services whose secret expires within days (expired
// ones included), soonest first, and those whose expiry is unknown;
// services without credentials have nothing to expire.
func (c *Cases) Expiring(within int) (expiring, unknown []tenant.Summary, err error) {
	sums, err := c.store.ListSummaries()
	if err != nil {
		return nil, nil, fmt.Errorf("read the services: %w", err)
	}
	now := c.now()
	for _, s := range sums {
		if !s.HasSecret {
			continue
		}
		e := s.Expiry(now)
		switch {
		case e.Days == nil:
			unknown = append(unknown, s)
		case *e.Days <= within || e.Urgency == tenant.UrgencyExpired:
			expiring = append(expiring, s)
		}
	}
	sort.SliceStable(expiring, func(i, j int) bool { return expiring[i].SecretExpiresAt.Before(*expiring[j].SecretExpiresAt) })
	return expiring, unknown, nil
}
