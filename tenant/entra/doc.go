// Package entra is the Entra ID and Microsoft Graph client of onboard: the
// validator that gets app-only tokens with MSAL Go — one for the cloud's
// Microsoft Graph, one for the Skype and Teams Tenant Admin API that Direct
// Routing is configured through — reads the tenant's facts from Graph, and
// judges whether the credentials work and whether Direct Routing can be
// configured with them. entraerrors.go is the one place that words what
// went wrong for the support engineer; scrub.go is where every text from
// the network is made safe (the secret scrubbed in any encoding, then
// tenant.Untrusted) as it enters; cache.go keeps the tenants' OpenID
// metadata on disk between runs, and nothing else. createapp.go is the
// Creator: the customer's admin signs in with a device code (MSAL Go's
// public client) and, with the admin's delegated token, kept in memory
// only, the Graph writes of createapp_graph.go create an App registration
// the validator then passes.
//
// It imports the domain (package tenant) and never the screens, the
// commands or the store. The simulated directory its tests talk to is
// tenant/entrasim.
package entra
