// Package tenant owns the customer-tenant domain of onboard: the records a
// support engineer talks about (Customer, Service, AppRegistration,
// ValidationReport), the input rules, and the expiry policy.
//
// It has no UI, no persistence and no network: it must never import
// wizard, store, bbolt, net/http or any Bubble Tea package. The Entra ID and
// Graph client is the sub-package entra, the use cases that tie the store
// and the validator together are usecase, and the simulated directory used
// by tests and by `onboard --demo` is entrasim.
package tenant
