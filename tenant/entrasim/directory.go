// Package entrasim is a simulated Entra ID and Microsoft Graph: an
// in-process HTTPS server that speaks the OpenID metadata, the
// client-credentials token endpoint and the Graph calls of docs/validation.md with the
// real JSON shapes and error bodies, and the device-code sign-in
// (devicecode.go) and Graph writes (graphwrite.go) that create a
// customer's App registration. It serves the tests of every package
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
	// PageSize is how many items one page of a Graph list holds before
	// Graph adds @odata.nextLink; 0 = 100, the default page size Graph
	// documents for directory objects
	// (https://learn.microsoft.com/en-us/graph/paging). Tests set it small
	// to make every list page.
	PageSize int
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
	// Domains are the tenant's domains; one should be initial
	// (*.onmicrosoft.com) and one default. A tenant can be addressed by its
	// GUID or by any of its verified domains.
	Domains []Domain
	Apps    []App
	Users   []User
	// SKUs are the tenant's subscriptions (Graph subscribedSkus).
	SKUs []SKU
	// Block refuses every token request of the tenant.
	Block Block
	// BlockedResources are the app IDs of resources (ResourceTeamsAdminAPI
	// …) that a Conditional Access policy of the tenant targets: tokens
	// for them are refused with AADSTS53003 while others are issued. A
	// policy can target one resource (Conditional Access "target
	// resources",
	// https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-conditional-access-cloud-apps).
	BlockedResources []string
	// MissingResources are the app IDs of resources whose service
	// principal the tenant lacks: tokens for them are refused with
	// AADSTS500011 ("The resource principal named … was not found in the
	// tenant", https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes).
	MissingResources []string
	// OpaqueTokens issues access tokens that are not JWTs. Microsoft says
	// tokens for its APIs may not be JWTs a client can decode
	// (https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens);
	// Graph still accepts them.
	OpaqueTokens bool
	// DeviceSignIn, when set, completes every device-code sign-in of the
	// tenant by itself (devicecode.go): nobody types a code here.
	DeviceSignIn *DeviceSignIn
}

// Domain is a domain of a tenant. Graph's organization verifiedDomains
// lists the verified ones
// (https://learn.microsoft.com/en-us/graph/api/resources/verifieddomain);
// /domains lists all, with isVerified
// (https://learn.microsoft.com/en-us/graph/api/domain-list).
type Domain struct {
	Name      string
	IsInitial bool
	IsDefault bool
	// Unverified marks a domain that was added but whose DNS record was
	// never checked: it is in /domains, not in verifiedDomains, and the
	// tenant cannot be addressed by it.
	Unverified bool
}

// SKU is one subscription of a tenant as Graph's subscribedSkus lists it
// (https://learn.microsoft.com/en-us/graph/api/resources/subscribedsku):
// Enabled is prepaidUnits.enabled, Consumed is consumedUnits.
type SKU struct {
	SkuID         string
	SkuPartNumber string
	Enabled       int
	Consumed      int
	Plans         []ServicePlan
}

// ServicePlan is a service plan a SKU includes (servicePlanInfo).
type ServicePlan struct {
	ID   string
	Name string
}

// App is an App registration together with its service principal in the
// same tenant.
type App struct {
	AppID    string // the Application (Client) ID
	ObjectID string // the application object's id (Graph applications/{id})
	// ServicePrincipalID is the service principal's object id (the
	// token's oid). Empty: the registration has no service principal in
	// the tenant (created by script, admin consent never granted), and the
	// token endpoint answers AADSTS7000229.
	ServicePrincipalID string
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
	// Roles are the template IDs of the directory roles assigned to the
	// user: what a delegated token's wids lists, and what Graph checks
	// before a signed-in admin's write (graphwrite.go).
	Roles []string
}

// Built-in directory role template IDs and their display names as Graph
// returns them (Microsoft Entra built-in roles,
// https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference).
const (
	RoleTeamsAdministrator               = "69091246-20e8-4a56-aa4d-066075b2a7a8"
	RoleSkypeForBusinessAdministrator    = "75941009-915a-4869-abe7-691bff18279e"
	RoleTeamsCommunicationsAdministrator = "baf37b3a-610e-45da-9e62-d9d1e5e8914b"
	RoleTeamsTelephonyAdministrator      = "aa38014f-0993-46e9-9b45-30501a20909d"
	RoleGlobalAdministrator              = "62e90394-69f5-4237-9190-012177145e10"
	RoleGlobalReader                     = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"

	// RoleDefaultAppToken is in the wids claim of every app-only token,
	// whatever roles the service principal has (observed in real tokens:
	// https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/1782).
	RoleDefaultAppToken = "0997a1d0-0d1d-4acb-b408-d5ca73121e90"
)

// RoleNames maps directory role template IDs to their display names.
var RoleNames = map[string]string{
	RoleTeamsAdministrator:               "Teams Administrator",
	RoleSkypeForBusinessAdministrator:    "Skype for Business Administrator",
	RoleTeamsCommunicationsAdministrator: "Teams Communications Administrator",
	RoleTeamsTelephonyAdministrator:      "Teams Telephony Administrator",
	RoleGlobalAdministrator:              "Global Administrator",
	RoleGlobalReader:                     "Global Reader",
}

// Resources a token can be asked for. Microsoft Graph's app ID and its
// resource in the global cloud
// (https://learn.microsoft.com/en-us/graph/deployments); the Skype and
// Teams Tenant Admin API, the second resource Teams PowerShell takes a
// token for with Connect-MicrosoftTeams -AccessTokens
// (https://learn.microsoft.com/en-us/microsoftteams/teams-powershell-application-authentication).
// The simulated directory is a global-cloud one: the sovereign clouds'
// Graph resources are not known to it (AADSTS500011).
const (
	ResourceGraph            = "00000003-0000-0000-c000-000000000000"
	GraphResourceURI         = "https://graph.microsoft.com"
	ResourceTeamsAdminAPI    = "48ac35b8-9aa8-4d74-927d-1f4a14a0b239"
	TeamsAdminAPIResourceURI = "https://api.interfaces.records.teams.microsoft.com"
)

// resourceApp is the app ID of a resource named by its app ID or its
// identifier URI; "" when the directory knows no such resource.
func resourceApp(resource string) string {
	switch strings.ToLower(strings.TrimSuffix(resource, "/")) {
	case ResourceGraph, GraphResourceURI:
		return ResourceGraph
	case ResourceTeamsAdminAPI, TeamsAdminAPIResourceURI:
		return ResourceTeamsAdminAPI
	}
	return ""
}

// Service plans and SKUs (Product names and service plan identifiers for
// licensing,
// https://learn.microsoft.com/en-us/entra/identity/users/licensing-service-plan-reference).
const (
	PlanTeamsPhone        = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7" // MCOEV (Teams Phone)
	PlanTeamsPhoneVirtual = "f47330e9-c134-43b3-9993-e7f004506889" // MCOEV_VIRTUALUSER (resource accounts)
	PlanTeams             = "57ff2da0-773e-42df-b2af-ffb7a2317929" // TEAMS1
	PlanSkypeOnline       = "0feaeb32-d00e-4d66-bd5a-43b5b83db82c" // MCOSTANDARD
)

// SKUTeamsPhoneStandard is Microsoft Teams Phone Standard (MCOEV).
func SKUTeamsPhoneStandard(enabled, consumed int) SKU {
	return SKU{SkuID: "e43b5b99-8dfb-405f-9987-dc307f34bcbd", SkuPartNumber: "MCOEV", Enabled: enabled, Consumed: consumed,
		Plans: []ServicePlan{{PlanTeamsPhone, "MCOEV"}}}
}

// SKUMicrosoft365E5 is Microsoft 365 E5 (SPE_E5), which includes Teams Phone.
func SKUMicrosoft365E5(enabled, consumed int) SKU {
	return SKU{SkuID: "06ebc4ee-1bb5-47dd-8120-11324bc54e06", SkuPartNumber: "SPE_E5", Enabled: enabled, Consumed: consumed,
		Plans: []ServicePlan{{PlanTeams, "TEAMS1"}, {PlanSkypeOnline, "MCOSTANDARD"}, {PlanTeamsPhone, "MCOEV"}}}
}

// SKUOffice365E3 is Office 365 E3 (ENTERPRISEPACK), without Teams Phone.
func SKUOffice365E3(enabled, consumed int) SKU {
	return SKU{SkuID: "6fd2c87f-b296-42f0-b197-1e91e994b900", SkuPartNumber: "ENTERPRISEPACK", Enabled: enabled, Consumed: consumed,
		Plans: []ServicePlan{{PlanTeams, "TEAMS1"}, {PlanSkypeOnline, "MCOSTANDARD"}}}
}

// SKUTeamsPhoneResourceAccount is Microsoft Teams Phone Resource Account
// (PHONESYSTEM_VIRTUALUSER): its plan MCOEV_VIRTUALUSER licenses auto
// attendants and call queues, not users.
func SKUTeamsPhoneResourceAccount(enabled, consumed int) SKU {
	return SKU{SkuID: "440eaaa8-b3e0-484b-a8be-62870b9ba70a", SkuPartNumber: "PHONESYSTEM_VIRTUALUSER", Enabled: enabled, Consumed: consumed,
		Plans: []ServicePlan{{PlanTeamsPhoneVirtual, "MCOEV_VIRTUALUSER"}}}
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
	if oid == "" {
		return nil
	}
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
	out := Directory{Tenants: make([]Tenant, len(d.Tenants)), Now: d.Now, PageSize: d.PageSize}
	for i, t := range d.Tenants {
		t.Domains = append([]Domain(nil), t.Domains...)
		t.Users = append([]User(nil), t.Users...)
		for j := range t.Users {
			t.Users[j].Roles = append([]string(nil), t.Users[j].Roles...)
		}
		t.BlockedResources = append([]string(nil), t.BlockedResources...)
		t.MissingResources = append([]string(nil), t.MissingResources...)
		skus := make([]SKU, len(t.SKUs))
		for j, k := range t.SKUs {
			k.Plans = append([]ServicePlan(nil), k.Plans...)
			skus[j] = k
		}
		t.SKUs = skus
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
