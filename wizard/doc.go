// Package wizard is onboard's terminal user interface: the onboarding
// wizard of docs/onboarding.md and the service portal, built with Bubble
// Tea, bubbles and lipgloss; huh drives the accessible, line-by-line mode.
//
// screens.go is the one table of screens (state, menu entry, constructor,
// the accessible mode's speaking of it): the main menu and the accessible
// menu both read it. The root model (wizard.go) routes every message to
// one screen, each in its own file: demo.go, menu.go, services.go,
// portal.go (the service page, whose secret, edit and history modes are
// panes in portal_panes.go), customers.go, expiry.go. The Add service flow
// is addservice.go (typed values, back stack, the step table) with one
// file per step: servicetype.go, customer.go, tenantstep.go, service.go,
// license.go, knownapp.go, credentials.go, validating.go, result.go,
// m365.go, summary.go and pending.go; signin.go is "Sign in as the
// customer's admin now" (the code shown large by bigcode.go, the App
// registration created and validated). accessible.go (and
// signin_accessible.go) is the same product for screen readers.
//
// Shared parts: styles.go (semantic colours) and keys.go (the one keymap);
// form.go and picker.go (the input widgets, forms read by named fields);
// checks.go (the live rule messages, all from package tenant); work.go and
// validating.go (a use case that validates runs in the background,
// cancellable, its checks shown as they arrive); view.go (renders the
// presentation model of tenant/present: rows, tones, check groups).
//
// Data flows one way: the screens gather input and call the use cases of
// tenant/usecase, which apply the rules, validate and save; the screens
// present what comes back through tenant/present. Nothing imports wizard
// but cmd/onboard; wizard imports no storage backend and no Entra client
// (cmd wires them). A client secret is never rendered after it is typed:
// it is held as tenant.Secret and shown with Masked only.
package wizard
