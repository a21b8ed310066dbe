package tenant

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Creating the customer's App registration on the spot (docs/onboarding.md,
// step 7, "Sign in as the customer's admin now"): the customer's admin
// signs in on their own device with a code, and onboard creates the App
// registration, its service principal, admin consent for the Graph
// permissions the validator needs, the Teams Administrator role and a
// client secret nobody sees. These are the words the use case, the Entra
// client and the screens share; nothing here talks to the network.

// DeviceCode is what the customer's admin needs to sign in on their own
// phone or computer (the OAuth 2.0 device authorization grant).
type DeviceCode struct {
	// VerificationURL is the page the admin opens
	// (https://microsoft.com/devicelogin).
	VerificationURL string
	// UserCode is what the admin types there.
	UserCode string
	// ExpiresAt is when the code stops working (15 minutes after it was
	// issued, by the computer's clock).
	ExpiresAt time.Time
}

// SignedInAdmin is the customer's admin who signed in with the code.
type SignedInAdmin struct {
	// UPN is the admin's user principal name (the id token's
	// preferred_username); it becomes the service's customer admin.
	UPN string
	// TenantID is the tenant's GUID, read from the tokens.
	TenantID string
}

// The steps of creating an App registration, in order: the names the
// screens, the accessible mode and the command print for each.
const (
	StepSignIn           = "Admin sign-in"
	StepApplication      = "App registration"
	StepServicePrincipal = "Service principal"
	StepConsent          = "Admin consent"
	StepRole             = "Entra role"
	StepSecret           = "Client secret"
	StepValidation       = "Validation"
	StepRemoval          = "Removal"
)

// CreationStep is one step of creating an App registration as it ended:
// pass when done, warn when it has to be tried again (Entra ID is still
// replicating what was just created), fail when it was refused.
type CreationStep struct {
	Name   string
	Status Status
	Detail string
	Fix    string
}

// CreateError is a step of creating an App registration that did not
// succeed, in words (tenant/entra words them).
type CreateError struct {
	Step   string
	Detail string
	Fix    string
	// MissingRight names the Entra role the signed-in admin lacks for the
	// step, when that is why it was refused ("" otherwise).
	MissingRight string
	// Cancelled: the engineer stopped it; nothing was refused.
	Cancelled bool
	// Code is what support asks for: an AADSTS code or Graph's error code,
	// and the request or correlation ID.
	Code, RequestID string
}

func (e *CreateError) Error() string { return e.Detail }

// CreatedApp is what onboard created in the customer's tenant so far: a
// failure lists it and removal starts from it. Each field is set once its
// object exists.
type CreatedApp struct {
	DisplayName string
	// ObjectID is the application object's id, AppID its Application
	// (client) ID: both set once the App registration exists.
	ObjectID, AppID string
	// ServicePrincipalID is the app's service principal (Enterprise
	// application) in the tenant.
	ServicePrincipalID string
	// Permissions are the Microsoft Graph application permissions granted
	// with admin consent.
	Permissions []string
	// Role is the Entra role assigned to the service principal (its name).
	Role string
	// SecretKeyID and SecretExpiresAt describe the client secret (never
	// its value).
	SecretKeyID     string
	SecretExpiresAt *time.Time
}

// Any reports whether anything was created.
func (a CreatedApp) Any() bool { return a.ObjectID != "" }

// Objects lists what was created, in words, in the order it was created.
func (a CreatedApp) Objects() []string {
	if !a.Any() {
		return nil
	}
	out := []string{fmt.Sprintf("App registration %q (Application ID %s)", a.DisplayName, a.AppID)}
	if a.ServicePrincipalID != "" {
		out = append(out, "its service principal (Enterprise application) "+a.ServicePrincipalID)
	}
	if len(a.Permissions) > 0 {
		out = append(out, "admin consent for Microsoft Graph "+strings.Join(a.Permissions, ", "))
	}
	if a.Role != "" {
		out = append(out, "the "+a.Role+" role for the service principal")
	}
	if a.SecretKeyID != "" {
		s := "a client secret (ID " + a.SecretKeyID
		if a.SecretExpiresAt != nil {
			s += ", expires " + a.SecretExpiresAt.UTC().Format("2006-01-02")
		}
		out = append(out, s+")")
	}
	return out
}

// AppDisplayName is the name of the App registration onboard creates for
// a service: "onboard – SHORTNAME".
func AppDisplayName(shortName string) string {
	return "onboard – " + strings.TrimSpace(shortName)
}

// SecretLifetimes are the lifetimes, in months, offered for a client
// secret onboard creates; DefaultSecretMonths is the one chosen unless
// the engineer picks another.
var SecretLifetimes = []int{6, 12, 24}

// DefaultSecretMonths is the lifetime of a created client secret unless
// another is chosen.
const DefaultSecretMonths = 12

// ParseSecretMonths accepts a secret lifetime of 6, 12 or 24 months ("" is
// the default, 12).
func ParseSecretMonths(s string) (int, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "months"))
	if s == "" {
		return DefaultSecretMonths, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, errSecretMonths
	}
	if err := CheckSecretMonths(n); err != nil {
		return 0, err
	}
	return n, nil
}

// CheckSecretMonths applies the secret lifetime rule to a number of
// months: one of SecretLifetimes.
func CheckSecretMonths(n int) error {
	if !slices.Contains(SecretLifetimes, n) {
		return errSecretMonths
	}
	return nil
}

var errSecretMonths = &RuleError{Field: "secret lifetime", Rule: "the client secret's lifetime must be 6, 12 or 24 months"}
