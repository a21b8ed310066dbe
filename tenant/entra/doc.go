// Package entra is the Entra ID and Microsoft Graph client of onboard: the
// validator that gets app-only tokens with MSAL Go and reads the tenant's
// facts from Graph, and the one place that words what went wrong for the
// support engineer.
//
// It imports the domain (package tenant) and never the screens, the
// commands or the store. The simulated directory its tests talk to is
// tenant/entrasim.
package entra
