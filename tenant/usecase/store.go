package usecase

import (
	"errors"
	"fmt"
	"time"

	"onboard/tenant"
)

// The storage the use cases need, declared here (by the layer that uses it)
// as small per-entity interfaces. store/bolt and store/postgres implement
// all of them and pass one conformance suite (store/storetest).
//
// Every write is one transaction and stamps the engineer and the time;
// every write also appends an entry to the audit trail, in the same
// transaction, that never holds a secret.

// CustomerStore keeps the customers. Names are unique ignoring case
// (tenant.NameKey); the store checks it inside the write transaction.
type CustomerStore interface {
	CreateCustomer(name string) (tenant.Customer, error)
	GetCustomer(name string) (tenant.Customer, error)
	// ListCustomers is every customer, sorted by name ignoring case.
	ListCustomers() ([]tenant.Customer, error)
	// RenameCustomer renames a customer; its services follow.
	RenameCustomer(old, new string) error
	// DeleteCustomer refuses (ErrCustomerHasServices) while services
	// belong to the customer.
	DeleteCustomer(name string) error
}

// ServiceStore keeps the services with their sealed secrets.
type ServiceStore interface {
	// CreateService saves a new service after the rules: the short name is
	// unused (ignoring case) and the customer exists, both checked inside
	// the write transaction. A non-nil LastValidation is recorded as the
	// first entry of its history.
	CreateService(svc tenant.Service) error
	// GetService is one service, secret unsealed, with its last validation.
	GetService(name string) (tenant.Service, error)
	// ListSummaries is every service's summary, sorted by name ignoring
	// case: what lists show, fast, never needing the key.
	ListSummaries() ([]tenant.Summary, error)
	// ListServices is every service with its secret and last validation,
	// sorted by name. A service that cannot be read (a damaged record, a
	// secret sealed with a key not given) is named in Unreadable, never
	// failing the others.
	ListServices() (Listing, error)
	// UpdateService changes a service in one transaction: fn gets the
	// stored service and edits what may change (full name, license,
	// users, M365 domain, admin, manual expiry, customer). The short name
	// may change in case only; the history, the secret and the creation
	// time are kept. version is the Version of the copy the edit was made
	// on: a newer stored one refuses the edit (ErrStale). 0 skips the
	// check (a command that reads and writes at once).
	UpdateService(name string, version int64, fn func(*tenant.Service) error) error
	// DeleteService removes a service and its history (version as above).
	DeleteService(name string, version int64) error
}

// HistoryStore keeps the validation reports.
type HistoryStore interface {
	// SaveCredentials gives a service a new App registration (a secret
	// replaced, or the credentials of a service pending authentication)
	// with the report of their validation, in one transaction.
	SaveCredentials(name string, version int64, app tenant.AppRegistration, r tenant.ValidationReport) error
	// RecordValidations records many reports in one transaction. The
	// result has one error per entry, nil where it was recorded: an entry
	// that cannot be recorded (service deleted, record damaged, report too
	// large) is skipped and the others are kept. A report older than the
	// service's last validation goes into the history without replacing
	// it; an attempt (TriggerAttempt) never becomes the last validation.
	RecordValidations(batch []Recorded) []error
	// History is the service's reports, newest first.
	History(name string) ([]tenant.ValidationReport, error)
}

// AuditStore reads the audit trail.
type AuditStore interface {
	// Audit lists the entries, newest first, filtered.
	Audit(f AuditFilter) ([]AuditEntry, error)
}

// Store is a whole backend.
type Store interface {
	CustomerStore
	ServiceStore
	HistoryStore
	AuditStore
	// Close releases the database.
	Close() error
}

// Recorded is one report to record for a service.
type Recorded struct {
	Name   string
	Report tenant.ValidationReport
}

// Listing is ListServices' result.
type Listing struct {
	Services   []tenant.Service
	Unreadable []Unreadable
}

// NewStored is CreateService's and ImportServices' rules, the same on
// every backend: the short name's rule, the rules of a saved service, the
// creation time kept (now when there is none), the first version stamped.
func NewStored(svc tenant.Service, now time.Time, engineer string) (tenant.Service, error) {
	if err := tenant.CheckShortName(svc.Name); err != nil {
		return tenant.Service{}, err
	}
	if err := tenant.CleanStored(&svc); err != nil {
		return tenant.Service{}, err
	}
	if svc.CreatedAt.IsZero() {
		svc.CreatedAt = now
	}
	svc.UpdatedAt, svc.UpdatedBy, svc.Version = now, engineer, 1
	return svc, nil
}

// ApplyEdit is UpdateService's rules, the same on every backend: fn edits
// a copy of the stored service; the short name may change in case only;
// the rules of a saved service apply; what an edit may not change (the
// credentials, the state, the creation time, the history) is taken from
// before; the edit is stamped. The backend then moves the service to
// another customer if fn changed it, and writes it.
func ApplyEdit(before tenant.Service, fn func(*tenant.Service) error, now time.Time, engineer string) (tenant.Service, error) {
	svc := before
	if err := fn(&svc); err != nil {
		return tenant.Service{}, err
	}
	if tenant.NameKey(svc.Name) != tenant.NameKey(before.Name) {
		return tenant.Service{}, &tenant.RuleError{Field: "short name",
			Rule: fmt.Sprintf("the short name of service %s cannot be changed (only its case)", before.Name)}
	}
	if svc.Name != before.Name {
		if err := tenant.CheckShortName(svc.Name); err != nil {
			return tenant.Service{}, err
		}
	}
	if err := tenant.CleanStored(&svc); err != nil {
		return tenant.Service{}, err
	}
	var err error
	if svc.App.AdminUser, err = tenant.CleanAdminUPN(svc.App.AdminUser); err != nil {
		return tenant.Service{}, err
	}
	svc.App.TenantID, svc.App.ClientID, svc.App.Secret = before.App.TenantID, before.App.ClientID, tenant.Secret{}
	svc.State, svc.CreatedAt, svc.LastValidation = before.State, before.CreatedAt, before.LastValidation
	svc.UpdatedAt, svc.UpdatedBy, svc.Version = now, engineer, before.Version+1
	return svc, nil
}

// ListingOf gathers what a backend read: svcs[i] where errs[i] is nil,
// else the service named name(i) as unreadable.
func ListingOf(svcs []tenant.Service, errs []error, name func(i int) string) Listing {
	var l Listing
	for i, err := range errs {
		if err != nil {
			l.Unreadable = append(l.Unreadable, Unreadable{Name: name(i), Err: err})
			continue
		}
		l.Services = append(l.Services, svcs[i])
	}
	return l
}

// Unreadable is a service a listing could not read, and why.
type Unreadable struct {
	Name string
	Err  error
}

// AuditEntry is one write in the audit trail: who did what, when, from
// which host. Detail never holds a secret.
type AuditEntry struct {
	At       time.Time `json:"at"`
	Engineer string    `json:"engineer"`
	Host     string    `json:"host"`
	Action   string    `json:"action"`
	Customer string    `json:"customer,omitempty"`
	Service  string    `json:"service,omitempty"`
	Detail   string    `json:"detail,omitempty"`
}

// The audit trail's actions.
const (
	ActionCustomerAdded   = "customer added"
	ActionCustomerRenamed = "customer renamed"
	ActionCustomerDeleted = "customer deleted"
	ActionServiceAdded    = "service added"
	ActionServiceEdited   = "service edited"
	ActionServiceDeleted  = "service deleted"
	ActionCredentials     = "credentials saved"
	ActionValidated       = "validated"
)

// AuditFilter narrows Audit: a service (ignoring case), a start time.
type AuditFilter struct {
	Service string
	Since   time.Time
}

// Actor is who writes: every write is stamped with it.
type Actor struct {
	Engineer string
	Host     string
}

// ActorOf is the actor named by the environment (ONBOARD_ENGINEER or the
// OS user, the host name), cleaned as text from outside is: teammates'
// screens show both in the audit trail and on each service, so an escape
// sequence in either must not reach their terminals.
func ActorOf(engineer, host string) Actor {
	return Actor{Engineer: tenant.Untrusted(engineer, tenant.UntrustedNameMax), Host: tenant.Untrusted(host, tenant.UntrustedNameMax)}
}

// The kinds of failure the use cases and the screens act on. Every error a
// store returns that is one of these wraps it (errors.Is works) under a
// message that says what happened to which record, never with a secret.
var (
	// ErrNotFound: no customer or service by that name.
	ErrNotFound = errors.New("not found")
	// ErrExists: the name is taken (ignoring case). These errors also wrap
	// a *tenant.RuleError, so they count as bad input.
	ErrExists = errors.New("already exists")
	// ErrCustomerHasServices: a customer cannot be deleted while services
	// still belong to it.
	ErrCustomerHasServices = errors.New("customer still has services")
	// ErrStale: the service changed since the copy the change was made on.
	ErrStale = errors.New("changed since it was opened")
	// ErrInUse: another process holds the database.
	ErrInUse = errors.New("database in use by another onboard process")
	// ErrNewerSchema: the database was written by a newer onboard.
	ErrNewerSchema = errors.New("database written by a newer onboard")
	// ErrDamaged: the database (or one record) cannot be read.
	ErrDamaged = errors.New("database damaged")
	// ErrCannotUnseal: a sealed client secret could not be opened with the
	// keys given.
	ErrCannotUnseal = errors.New("cannot unseal client secret")
	// ErrUnavailable: the database server cannot be reached or refused
	// the work (connection, password, read-only replica).
	ErrUnavailable = errors.New("database unavailable")
)

// Error is a store error: a message written for the engineer and the
// kinds it belongs to, so the message does not repeat the sentinel's text.
type Error struct {
	Msg   string
	Kinds []error
}

func (e *Error) Error() string   { return e.Msg }
func (e *Error) Unwrap() []error { return e.Kinds }

// Errorf makes an *Error of the kinds given.
func Errorf(kinds []error, format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...), Kinds: kinds}
}

// RuleKind is an error that is both a store kind and a broken input rule
// (a taken name, a missing customer): the CLI exits 2 and the wizard shows
// it under the field.
func RuleKind(kind error, field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Msg: msg, Kinds: []error{kind, &tenant.RuleError{Field: field, Rule: msg}}}
}

// ServiceExists is the error for a taken short name, naming the service
// that holds it as stored.
func ServiceExists(stored string) error {
	return RuleKind(ErrExists, "short name", "a service named %q already exists (short names are unique, ignoring case)", stored)
}

// CustomerExists is the error for a taken customer name.
func CustomerExists(stored string) error {
	return RuleKind(ErrExists, "customer name", "a customer named %q already exists (customer names are unique, ignoring case)", stored)
}

// NoService is the error for an unknown short name.
func NoService(name string) error {
	return Errorf([]error{ErrNotFound}, "there is no service named %q", name)
}

// NoCustomer is the error for an unknown customer.
func NoCustomer(name string) error {
	return Errorf([]error{ErrNotFound}, "there is no customer named %q", name)
}

// MissingCustomer is the error for a service given a customer that does
// not exist: bad input as well as not found.
func MissingCustomer(name string) error {
	return RuleKind(ErrNotFound, "customer", "there is no customer named %q: add the customer first", name)
}

// Stale is the error for a change made on an old copy: who changed the
// service and when, so the engineer knows whom to ask.
func Stale(name, by string, at time.Time) error {
	if by == "" {
		by = "another engineer"
	}
	return Errorf([]error{ErrStale}, "service %s was changed by %s at %s since you opened it: nothing was saved; open it again to see the change",
		name, by, at.Local().Format("2006-01-02 15:04"))
}

// HasServices is the error for deleting a customer that still has services.
func HasServices(customer string, names []string, total int) error {
	more := ""
	if total > len(names) {
		more = ", …"
	}
	list := ""
	for i, n := range names {
		if i > 0 {
			list += ", "
		}
		list += n
	}
	return Errorf([]error{ErrCustomerHasServices}, "cannot delete customer %s: it still has %d service(s) (%s%s); delete or move them first",
		customer, total, list, more)
}
