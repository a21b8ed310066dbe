// Package wizard is onboard's terminal user interface: the onboarding
// wizard of SPEC §1 and the service portal, built with Bubble Tea, bubbles
// and lipgloss; huh drives the accessible, line-by-line mode.
//
// The root model (wizard.go) holds a state enum and routes every message
// to one screen, each in its own file: demo.go, menu.go, services.go,
// portal.go (the service page), customers.go, expiry.go. The Add service
// flow is addservice.go (typed values, back stack, routing) with one file
// per step: servicetype.go, customer.go, tenantstep.go, service.go,
// license.go, knownapp.go, credentials.go, validating.go, result.go,
// m365.go, summary.go and pending.go. accessible.go is the same product
// for screen readers.
//
// The add flow's steps are one table in addservice.go (title, key handler,
// view); validating.go also holds the validation with its live view that
// the add flow and the service page share.
//
// Shared parts: styles.go (semantic colours) and keys.go (the one keymap);
// form.go and picker.go (the input widgets); checks.go (the live rule
// messages, all from package tenant); work.go (background work, a
// validation or Validate all, cancellable); ops.go (the writes and Validate
// all's batched recording, the same for both modes); view.go (rendering
// helpers).
//
// Data flows one way: the screens gather input, package tenant applies the
// rules and validates credentials, package store saves. Nothing imports
// wizard but cmd/onboard. A client secret is never rendered after it is
// typed: it is held as tenant.Secret and shown with Masked only.
package wizard
