package tenant

import "time"

// Status is the outcome of one check and of a whole validation.
type Status string

// Statuses from best to worst; a report's verdict is its worst check.
const (
	StatusPass Status = "pass"
	StatusWarn Status = "warn"
	StatusFail Status = "fail"
)

// Symbol is the mark the screens put before a check: ✓, ! or ✗.
func (s Status) Symbol() string {
	switch s {
	case StatusPass:
		return "✓"
	case StatusWarn:
		return "!"
	}
	return "✗"
}

func (s Status) rank() int {
	switch s {
	case StatusPass:
		return 0
	case StatusWarn:
		return 1
	}
	return 2
}

// Worse returns the worse of two statuses.
func Worse(a, b Status) Status {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Group is the half of a verdict a check belongs to: whether the secret
// works, or whether Direct Routing can be configured with it.
type Group string

// The two groups of a report.
const (
	// GroupCredentials: the secret works for this tenant and app (token,
	// tenant, secret expiry, admin user).
	GroupCredentials Group = "credentials"
	// GroupReadiness: Direct Routing can be configured (Teams admin API
	// token, role, permissions, domain, licence).
	GroupReadiness Group = "readiness"
)

// Title is the group's heading on the screens.
func (g Group) Title() string {
	if g == GroupReadiness {
		return "Direct Routing readiness"
	}
	return "Credentials"
}

// Check is one line of a validation report: what was checked, how it went,
// the plain-language cause and what to do about it.
type Check struct {
	Name   string `json:"name"`
	Group  Group  `json:"group"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// InGroup is the check's group, or the one its name belongs to (GroupOf)
// when it has none: a check written before reports had groups.
func (c Check) InGroup() Group {
	if c.Group != "" {
		return c.Group
	}
	return GroupOf(c.Name)
}

// AdminUser is what Graph says about the customer admin named in the
// credentials step.
type AdminUser struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	DisplayName       string `json:"displayName"`
	AccountEnabled    bool   `json:"accountEnabled"`
}

// ValidationReport is the result of one Validate Authentication run. Its
// JSON names are how reports are stored (PostgreSQL's history, bbolt's
// records before its binary codec): renaming one loses what was stored.
// What --json prints is present.ReportJSON (docs/cli.md).
type ValidationReport struct {
	Status  Status        `json:"status"`
	At      time.Time     `json:"at"`
	Elapsed time.Duration `json:"elapsedNs"`
	Cloud   string        `json:"cloud,omitempty"`
	// Trigger is what ran the validation; By the engineer who ran it.
	Trigger Trigger `json:"trigger,omitempty"`
	By      string  `json:"by,omitempty"`

	// What was typed (never the secret itself: only its hint).
	ClientID   string `json:"clientId,omitempty"`
	SecretHint string `json:"secretHint,omitempty"`

	// Facts read from the token and from Graph.
	TenantID        string     `json:"tenantId,omitempty"`
	TenantName      string     `json:"tenantName,omitempty"`
	InitialDomain   string     `json:"initialDomain,omitempty"`
	DefaultDomain   string     `json:"defaultDomain,omitempty"`
	AppName         string     `json:"appName,omitempty"`
	SecretExpiresAt *time.Time `json:"secretExpiresAt"`
	DaysUntilExpire *int       `json:"daysUntilExpire"`
	// ExpiryReadAt is when SecretExpiresAt was read from Graph: the time
	// of this report, or of an earlier report of the same secret when
	// Graph could not be read this time (the fact is kept, not lost).
	ExpiryReadAt *time.Time `json:"expiryReadAt,omitempty"`
	// Roles are the names of the Entra roles assigned to the app: nil when
	// they could not be read (unknown), empty when there are none.
	Roles       []string   `json:"roles"`
	Permissions []string   `json:"permissions"`
	Admin       *AdminUser `json:"admin,omitempty"`

	// Direct Routing readiness facts.
	//
	// VerifiedDomains are the tenant's verified domains (Graph
	// /organization); SBCDomain the verified sub-domain of the provider's
	// base domain, when one is configured and found.
	VerifiedDomains []string `json:"verifiedDomains,omitempty"`
	SBCDomain       string   `json:"sbcDomain,omitempty"`
	// TeamsPhone counts the licences that carry the Teams Phone service
	// plan; nil when they could not be read.
	TeamsPhone *LicenceCount `json:"teamsPhone,omitempty"`

	Checks []Check `json:"checks"`

	// On failure, what Microsoft support asks for.
	AADSTS        string `json:"aadsts,omitempty"`
	TraceID       string `json:"traceId,omitempty"`
	CorrelationID string `json:"correlationId,omitempty"`
}

// LicenceCount is how many licences of the SKUs that include a service
// plan are enabled and assigned (Graph subscribedSkus: prepaidUnits.enabled
// and consumedUnits).
type LicenceCount struct {
	Enabled  int      `json:"enabled"`
	Consumed int      `json:"consumed"`
	SKUs     []string `json:"skus,omitempty"`
}

// Free is the number of licences that can still be assigned.
func (l LicenceCount) Free() int { return max(l.Enabled-l.Consumed, 0) }

// Trigger says what ran a validation, for the history.
type Trigger string

// The triggers of a validation.
const (
	TriggerCreated     Trigger = "created"
	TriggerRevalidated Trigger = "re-validated"
	TriggerSecret      Trigger = "secret replaced"
	TriggerCredentials Trigger = "credentials added"
	TriggerValidateAll Trigger = "validate all"
	// TriggerAttempt is a new secret that failed validation: kept in the
	// history, never the service's last validation.
	TriggerAttempt Trigger = "new secret refused"
)

// Add appends a check and folds its status into the verdict. A check
// without a group gets the one its name belongs to (InGroup).
func (r *ValidationReport) Add(c Check) {
	c.Group = c.InGroup()
	r.Checks = append(r.Checks, c)
	if r.Status == "" {
		r.Status = StatusPass
	}
	r.Status = Worse(r.Status, c.Status)
}

// Passed reports whether the verdict is not a failure (warnings allowed):
// the credentials work and nothing Direct Routing cannot do without is
// missing. The wizard's Next and the CLI's save are gated on it.
func (r *ValidationReport) Passed() bool {
	return r != nil && r.Status != StatusFail && r.Status != ""
}

// customerSideCodes are token refusals the customer's admin fixes in the
// tenant, not by handing over other credentials: Conditional Access,
// security defaults, a disabled app, an app without a service principal,
// no admin consent yet (Microsoft Entra authentication and authorization
// error codes,
// https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes).
var customerSideCodes = map[string]bool{
	"AADSTS53003": true, "AADSTS530035": true, "AADSTS7000112": true, "AADSTS7000229": true, "AADSTS65001": true,
}

// CustomerSide reports whether what failed is for the customer's admin to
// fix in the tenant (Conditional Access, a disabled app, a missing role or
// consent) while the credentials typed are right: the service can be
// parked, pending authentication, and re-validated later.
func (r *ValidationReport) CustomerSide() bool {
	if r == nil || r.Status != StatusFail {
		return false
	}
	return r.CredentialsWork() || customerSideCodes[r.AADSTS]
}

// GroupStatus is the worst status of a group's checks ("" when the report
// has none of that group, e.g. when no token was issued).
func (r *ValidationReport) GroupStatus(g Group) Status {
	var st Status
	for _, c := range r.Checks {
		if c.InGroup() == g {
			if st == "" {
				st = c.Status
			}
			st = Worse(st, c.Status)
		}
	}
	return st
}

// CredentialsWork reports whether the secret proved itself: every
// credentials check passed or only warned. A service whose credentials
// work but is not ready for Direct Routing can be parked, not fixed by
// typing the credentials again.
func (r *ValidationReport) CredentialsWork() bool {
	if r == nil {
		return false
	}
	st := r.GroupStatus(GroupCredentials)
	return st == StatusPass || st == StatusWarn
}
