// Package tenant owns the customer-tenant domain of onboard: the records a
// support engineer talks about (Customer, Service, AppRegistration,
// ValidationReport), the input rules of SPEC §2, and the validator that
// talks to Entra ID and Microsoft Graph (SPEC §3).
//
// It has no UI and no persistence: it must never import wizard, store,
// bbolt or any Bubble Tea package. The simulated directory used by tests and
// by `onboard --demo` lives in the sub-package entrasim.
package tenant
