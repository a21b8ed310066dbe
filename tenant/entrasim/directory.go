// Package entrasim is a simulated Entra ID and Microsoft Graph: an
// in-process HTTPS server that speaks the OpenID metadata, the
// client-credentials token endpoint and the Graph calls of docs/validation.md with the
// real JSON shapes and error bodies. It serves the tests of every package
// and `onboard --demo`; nothing in it ever reaches Microsoft.
//
// It imports only the standard library: the validator's tests import it,
// so entrasim must never import onboard/tenant (or anything above it).
package entrasim

import (
	"strings"
	"time"
)

// Directory is the whole simulated world: every tenant the server knows.
type Directory struct {
	Tenants []Tenant
	// Now is the directory's clock (secret expiry, token lifetimes);
	// nil = time.Now.
	Now func() time.Time
}

// Block is a sign-in policy that refuses every token for a tenant.
type Block string

const (
	// BlockNone lets tokens be issued.
	BlockNone Block = ""
	// BlockConditionalAccess answers AADSTS53003.
	BlockConditionalAccess Block = "conditional-access"
	// BlockSecurityDefaults answers AADSTS530035.
	BlockSecurityDefaults Block = "security-defaults"
)

// Tenant is one customer's Entra ID tenant.
type Tenant struct {
	// ID is the tenant's GUID (the tid claim).
	ID          string
	DisplayName string
	// Domains are the verified domains; one should be initial
	// (*.onmicrosoft.com) and one default. A tenant can be addressed by its
	// GUID or by any of these names.
	Domains []Domain
	Apps    []App
	Users   []User
	// Block refuses every token request of the tenant.
	Block Block
}

// Domain is a verified domain of a tenant, as Graph's verifiedDomains lists it.
type Domain struct {
	Name      string
	IsInitial bool
	IsDefault bool
}

// App is an App registration together with its service principal in the
// same tenant.
type App struct {
	AppID              string // the Application (Client) ID
	ObjectID           string // the application object's id (Graph applications/{id})
	ServicePrincipalID string // the service principal's object id (the token's oid)
	DisplayName        string
	// Disabled makes the token endpoint answer AADSTS7000112.
	Disabled bool
	Secrets  []Secret
	// Permissions are the Microsoft Graph application permissions granted
	// with admin consent ("Organization.Read.All" …): the token's roles.
	Permissions []string
	// Roles are the directory role template IDs assigned to the service
	// principal (RoleTeamsAdministrator …).
	Roles []string
}

// Secret is one client secret (a passwordCredential) of an App registration.
type Secret struct {
	// Value is the secret text the admin copies once ("Xq8~…").
	Value       string
	KeyID       string
	DisplayName string
	// Hint is what Graph shows; empty = the first 3 characters of Value.
	Hint          string
	StartDateTime time.Time
	EndDateTime   time.Time
}

// hint is the Graph passwordCredential hint.
func (s Secret) hint() string {
	if s.Hint != "" {
		return s.Hint
	}
	r := []rune(s.Value)
	if len(r) > 3 {
		r = r[:3]
	}
	return string(r)
}

// User is a user of a tenant, as Graph's users/{upn} returns it.
type User struct {
	ID                string
	UserPrincipalName string
	DisplayName       string
	AccountEnabled    bool
}

// Directory role template IDs the validator looks for (docs/validation.md) and their
// display names as Graph returns them.
const (
	RoleTeamsAdministrator               = "69091246-20e8-4a56-aa4d-066075b2a7a8"
	RoleSkypeForBusinessAdministrator    = "75941009-915a-4869-abe7-691bff18279e"
	RoleTeamsCommunicationsAdministrator = "baf37b3a-610e-45da-9e62-d9d1e5e8914b"
	RoleGlobalReader                     = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
)

// RoleNames maps directory role template IDs to their display names.
var RoleNames = map[string]string{
	RoleTeamsAdministrator:               "Teams Administrator",
	RoleSkypeForBusinessAdministrator:    "Skype for Business Administrator",
	RoleTeamsCommunicationsAdministrator: "Teams Communications Administrator",
	RoleGlobalReader:                     "Global Reader",
}

func (t *Tenant) app(appID string) *App {
	for i := range t.Apps {
		if strings.EqualFold(t.Apps[i].AppID, appID) {
			return &t.Apps[i]
		}
	}
	return nil
}

func (t *Tenant) appBySP(oid string) *App {
	for i := range t.Apps {
		if strings.EqualFold(t.Apps[i].ServicePrincipalID, oid) {
			return &t.Apps[i]
		}
	}
	return nil
}

func (t *Tenant) user(upnOrID string) *User {
	for i := range t.Users {
		u := &t.Users[i]
		if strings.EqualFold(u.UserPrincipalName, upnOrID) || strings.EqualFold(u.ID, upnOrID) {
			return u
		}
	}
	return nil
}

// clone copies the directory deeply enough that the server's copy cannot
// be changed behind its lock by the caller's slices.
func (d Directory) clone() Directory {
	out := Directory{Tenants: make([]Tenant, len(d.Tenants)), Now: d.Now}
	for i, t := range d.Tenants {
		t.Domains = append([]Domain(nil), t.Domains...)
		t.Users = append([]User(nil), t.Users...)
		apps := make([]App, len(t.Apps))
		for j, a := range t.Apps {
			a.Secrets = append([]Secret(nil), a.Secrets...)
			a.Permissions = append([]string(nil), a.Permissions...)
			a.Roles = append([]string(nil), a.Roles...)
			apps[j] = a
		}
		t.Apps = apps
		out.Tenants[i] = t
	}
	return out
}
