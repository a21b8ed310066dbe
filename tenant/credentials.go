package tenant

// Credentials are what the customer's admin hands over.
type Credentials struct {
	TenantID string // GUID or domain, as accepted by ParseTenantID
	ClientID string
	Secret   Secret
	AdminUPN string // optional
}

// CredentialsOf returns the credentials stored on a service.
func CredentialsOf(s Service) Credentials {
	return Credentials{TenantID: s.App.TenantID, ClientID: s.App.ClientID, Secret: s.App.Secret, AdminUPN: s.App.AdminUser}
}

// The names of the report's checks.
const (
	CheckInput  = "Input"
	CheckToken  = "Token"
	CheckTenant = "Tenant"
	CheckSecret = "Secret expiry"
	CheckAdmin  = "Admin user"

	CheckTeamsToken  = "Teams admin API token"
	CheckRole        = "Entra role"
	CheckPermissions = "Graph permissions"
	CheckDomain      = "SBC domain"
	CheckLicence     = "Teams Phone licence"
)

// GroupOf is the group a check belongs to by its name: the readiness
// checks are named above; everything else is about the credentials.
func GroupOf(check string) Group {
	switch check {
	case CheckTeamsToken, CheckRole, CheckPermissions, CheckDomain, CheckLicence:
		return GroupReadiness
	}
	return GroupCredentials
}
