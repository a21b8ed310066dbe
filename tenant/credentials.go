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

// The names of the report's checks, in the order they appear.
const (
	CheckInput       = "Input"
	CheckToken       = "Token"
	CheckPermissions = "Graph permissions"
	CheckTenant      = "Tenant"
	CheckSecret      = "Secret expiry"
	CheckRole        = "Entra role"
	CheckAdmin       = "Admin user"
)

// Directory role template IDs of SPEC §3.
const (
	RoleTeamsAdministrator               = "69091246-20e8-4a56-aa4d-066075b2a7a8"
	RoleSkypeForBusinessAdministrator    = "75941009-915a-4869-abe7-691bff18279e"
	RoleTeamsCommunicationsAdministrator = "baf37b3a-610e-45da-9e62-d9d1e5e8914b"
)

// ExpiryWarningDays: a secret expiring within this many days is a warning.
const ExpiryWarningDays = 30
