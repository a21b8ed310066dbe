package tenant

import "strings"

// Built-in Entra role template IDs (Microsoft Entra built-in roles,
// https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference).
// An app-only access token lists the template IDs of the roles assigned to
// the app's service principal in its wids claim.
const (
	RoleTeamsAdministrator                   = "69091246-20e8-4a56-aa4d-066075b2a7a8"
	RoleSkypeForBusinessAdministrator        = "75941009-915a-4869-abe7-691bff18279e"
	RoleTeamsCommunicationsAdministrator     = "baf37b3a-610e-45da-9e62-d9d1e5e8914b"
	RoleTeamsTelephonyAdministrator          = "aa38014f-0993-46e9-9b45-30501a20909d"
	RoleGlobalAdministrator                  = "62e90394-69f5-4237-9190-012177145e10"
	RolePrivilegedRoleAdministrator          = "e8611ab8-c189-46e8-94e1-60213ab1f814"
	RoleApplicationAdministrator             = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
	RoleCloudApplicationAdministrator        = "158c047a-c907-4556-b7ef-446551a6b5f7"
	RoleGlobalReader                         = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	RoleTeamsDevicesAdministrator            = "3d762c5a-1b6c-493f-843e-55a3b42923d4"
	RoleTeamsCommunicationsSupportEngineer   = "f70938a0-fc10-4177-9e90-2178f8765737"
	RoleTeamsCommunicationsSupportSpecialist = "fcf91098-03e3-41a9-b5ba-6f0ec8188a12"

	// RoleDefaultAppToken is in the wids of every app-only token: it is
	// not a role anyone assigned, and is never shown.
	RoleDefaultAppToken = "0997a1d0-0d1d-4acb-b408-d5ca73121e90"
)

// Role is a built-in Entra role a support engineer may meet on the app,
// with what it means for configuring Direct Routing (what each Teams role
// may do: https://learn.microsoft.com/en-us/microsoftteams/using-admin-roles;
// the roles an app needs for Teams PowerShell:
// https://learn.microsoft.com/en-us/microsoftteams/teams-powershell-application-authentication).
type Role struct {
	TemplateID string
	Name       string
	// Lacks says, for a role that is not enough on its own, what it
	// cannot do for Direct Routing ("" for the roles that are enough).
	Lacks string
}

// Roles is the one table of built-in roles onboard names.
var Roles = []Role{
	{RoleTeamsAdministrator, "Teams Administrator", ""},
	{RoleSkypeForBusinessAdministrator, "Skype for Business Administrator", "alone it cannot manage the Teams voice policies and PSTN usages Direct Routing needs (add Teams Communications Administrator)"},
	{RoleTeamsCommunicationsAdministrator, "Teams Communications Administrator", "alone it cannot register the SBC with Set-CsOnlinePstnGateway (add Skype for Business Administrator)"},
	{RoleGlobalAdministrator, "Global Administrator", ""},
	{RoleTeamsTelephonyAdministrator, "Teams Telephony Administrator", "it manages voice settings but cannot create online PSTN gateways (the SBC) for Direct Routing"},
	{RoleTeamsCommunicationsSupportEngineer, "Teams Communications Support Engineer", "it can only troubleshoot calls, not change any configuration"},
	{RoleTeamsCommunicationsSupportSpecialist, "Teams Communications Support Specialist", "it can only troubleshoot calls, not change any configuration"},
	{RoleTeamsDevicesAdministrator, "Teams Devices Administrator", "it manages Teams devices, not telephony"},
	{RoleGlobalReader, "Global Reader", "it can read but not change anything"},
	{RolePrivilegedRoleAdministrator, "Privileged Role Administrator", "it manages role assignments, not Teams"},
	{RoleApplicationAdministrator, "Application Administrator", "it manages app registrations, not Teams"},
	{RoleCloudApplicationAdministrator, "Cloud Application Administrator", "it manages app registrations, not Teams"},
}

// RoleByID finds a built-in role by its template ID, in any case.
func RoleByID(templateID string) (Role, bool) {
	id := strings.ToLower(strings.TrimSpace(templateID))
	for _, r := range Roles {
		if r.TemplateID == id {
			return r, true
		}
	}
	return Role{}, false
}
