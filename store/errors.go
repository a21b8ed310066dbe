package store

import (
	"errors"
	"fmt"

	"onboard/tenant"
)

// The kinds of failure callers act on. Every error the store returns that is
// one of these wraps it (errors.Is works) under a message that says what
// happened to which record; none of them ever contains a client secret.
var (
	// ErrNotFound: no customer or service by that name.
	ErrNotFound = errors.New("not found")
	// ErrExists: the name is taken (ignoring case). These errors also wrap a
	// *tenant.RuleError, so tenant.IsRuleError reports true and the CLI
	// treats them as bad input.
	ErrExists = errors.New("already exists")
	// ErrInUse: another process holds the database open.
	ErrInUse = errors.New("database in use by another onboard process")
	// ErrNewerSchema: the file was written by a newer onboard.
	ErrNewerSchema = errors.New("database written by a newer onboard")
	// ErrCannotUnseal: a sealed client secret could not be opened with the
	// key in use (a different key, or a damaged value).
	ErrCannotUnseal = errors.New("cannot unseal client secret")
	// ErrCustomerHasServices: a customer cannot be deleted while services
	// still belong to it.
	ErrCustomerHasServices = errors.New("customer still has services")
	// ErrKeyPermissions: the key file can be read or written by group or
	// others, so it is refused (as ssh refuses such a private key).
	ErrKeyPermissions = errors.New("key file permissions too open")
	// ErrBadKey: the key given (Options.Key, ONBOARD_KEY or the key file's
	// content) is not a 32-byte AES-256 key.
	ErrBadKey = errors.New("bad sealing key")
)

// storeError carries a message written for the engineer and the kinds it
// belongs to, so the message does not have to repeat the sentinel's text.
type storeError struct {
	msg  string
	errs []error
}

func (e *storeError) Error() string   { return e.msg }
func (e *storeError) Unwrap() []error { return e.errs }

func kindErr(kinds []error, format string, args ...any) error {
	return &storeError{msg: fmt.Sprintf(format, args...), errs: kinds}
}

func notFound(format string, args ...any) error {
	return kindErr([]error{ErrNotFound}, format, args...)
}

// ruleKind builds an error that is both a store kind and a broken input
// rule, so the CLI exits 2 and the wizard shows it under the field.
func ruleKind(kind error, field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &storeError{msg: msg, errs: []error{kind, &tenant.RuleError{Field: field, Rule: msg}}}
}

func serviceExists(existing string) error {
	return ruleKind(ErrExists, "short name",
		"a service named %q already exists (short names are unique, ignoring case)", existing)
}

func customerExists(existing string) error {
	return ruleKind(ErrExists, "customer name",
		"a customer named %q already exists (customer names are unique, ignoring case)", existing)
}

func noService(name string) error { return notFound("no service named %q", name) }

func noCustomer(name string) error { return notFound("no customer named %q", name) }
