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

// Check is one line of a validation report: what was checked, how it went,
// the plain-language cause and what to do about it.
type Check struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// AdminUser is what Graph says about the customer admin named in the
// credentials step.
type AdminUser struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	DisplayName       string `json:"displayName"`
	AccountEnabled    bool   `json:"accountEnabled"`
}

// ValidationReport is the result of one Validate Authentication run. The
// JSON names are SPEC §5's lastValidation fields plus the facts behind them.
type ValidationReport struct {
	Status  Status        `json:"status"`
	At      time.Time     `json:"at"`
	Elapsed time.Duration `json:"elapsedNs"`
	Cloud   string        `json:"cloud,omitempty"`

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
	Roles           []string   `json:"roles"`
	Permissions     []string   `json:"permissions"`
	Admin           *AdminUser `json:"admin,omitempty"`

	Checks []Check `json:"checks"`

	// On failure, what Microsoft support asks for.
	AADSTS        string `json:"aadsts,omitempty"`
	TraceID       string `json:"traceId,omitempty"`
	CorrelationID string `json:"correlationId,omitempty"`
}

// Add appends a check and folds its status into the verdict.
func (r *ValidationReport) Add(c Check) {
	r.Checks = append(r.Checks, c)
	if r.Status == "" {
		r.Status = StatusPass
	}
	r.Status = Worse(r.Status, c.Status)
}

// Passed reports whether the credentials work (warnings allowed): the
// wizard's Next and the CLI's save are gated on it.
func (r *ValidationReport) Passed() bool {
	return r != nil && r.Status != StatusFail && r.Status != ""
}
