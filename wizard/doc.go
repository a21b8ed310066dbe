// Package wizard is onboard's terminal user interface: the onboarding
// wizard (SPEC §1) and the service portal, built with Bubble Tea, bubbles
// and lipgloss (huh drives the accessible, line-by-line mode).
//
// The root model (wizard.go) holds a state enum and routes every message to
// one screen, each in its own file: demo.go, menu.go, the add-service flow
// (addservice.go and one file per step), services.go, portal.go,
// customers.go and expiry.go. Colours live in styles.go, keys in keys.go.
//
// The wizard gathers input, lets package tenant apply the rules and validate
// credentials, and lets package store save the result. It must never be
// imported by tenant or store, and it never prints a client secret after it
// was typed: secrets are held as tenant.Secret and shown with Masked only.
package wizard
