package store

// dictionary1 is the preset dictionary of the packed value format 1: the
// phrases and field names that recur in every service record and report, so
// a record packs to little more than what is particular to it (names, GUIDs,
// dates).
//
// It is part of the file format (formats 1 and 2, see pack.go): it must
// never change; TestPackedFormatsFrozen pins it. A better dictionary is a
// new format byte and a dictionary2 beside this one, never an edit here.
const dictionary1 = `Entra admin center > Identity > Applications > App registrations > Certificates & secrets > ` +
	` > API permissions > Add a permission > Microsoft Graph > Application permissions > ` +
	` > Add permissions, then Grant admin consent. (needed for: tenant name and domains; secret expiry and Entra roles; admin user check). ` +
	`"status":"fail","status":"warn","state":"active","license":"pro","cloud":"usgov","cloud":"china",` +
	`Entra admin center > Identity > Roles & admins > Roles & admins > Teams Administrator > Add assignments > select ` +
	`Microsoft Graph refused to read (403 Authorization_RequestDenied), the app lacks Application.Read.All. ` +
	`Directory.Read.All Organization.Read.All Application.Read.All User.Read.All ` +
	`Validate again; if it persists, give support the tenant ID. Validate again in a few minutes. ` +
	`The client secret expired on . Create a new client secret in ` +
	`Missing Microsoft Graph application permission(s): (needed for: ). Granted: . ` +
	`The app has no Teams Administrator role (nor Skype for Business Administrator + Teams Communications Administrator); assigned: ` +
	`Skype for Business Administrator and Teams Communications Administrator are assigned to the app. ` +
	`Secret expiry unknown: none of the app's client secret(s) has the hint . ` +
	`Entra roles unknown: Admin not found: there is no user in this tenant. ` +
	`"checks":[{"name":"Input","status":"fail","detail":"","fix":""},` +
	`{"name":"Admin user","status":"pass","detail":" exists and is enabled."},` +
	`{"name":"Entra role","status":"pass","detail":"Teams Administrator is assigned to the app (assigned: Teams Administrator)."},` +
	`{"name":"Secret expiry","status":"pass","detail":"The client secret expires on , in days."},` +
	`{"name":"Graph permissions","status":"pass","detail":"Granted: Application.Read.All, Organization.Read.All, User.Read.All."},` +
	`{"name":"Tenant","status":"pass","detail":": initial domain .onmicrosoft.com, default domain ."},` +
	`{"name":"Token","status":"pass","detail":"Entra ID issued an app-only token for tenant : the secret works."}],` +
	`{"v":1,"name":"","fullName":"","customer":"","license":"essentials-plus","users":,"m365Domain":"","state":"pending-authentication",` +
	`"app":{"tenantId":"","clientId":"","adminUser":"","manualExpiry":"2026-01-01T00:00:00Z"},` +
	`"createdAt":"2026-01-01T00:00:00.000000000Z","updatedAt":"2026-01-01T00:00:00.000000000Z",` +
	`"lastValidation":{"status":"pass","at":"2026-01-01T00:00:00.000000000Z","elapsedNs":,"cloud":"global",` +
	`"clientId":"","secretHint":"","tenantId":"","tenantName":"","initialDomain":".onmicrosoft.com","defaultDomain":"",` +
	`"appName":"","secretExpiresAt":"2026-01-01T00:00:00Z","daysUntilExpire":,"roles":["Teams Administrator"],` +
	`"permissions":["Application.Read.All","Organization.Read.All","User.Read.All"],` +
	`"admin":{"id":"","userPrincipalName":"","displayName":"","accountEnabled":true},` +
	`"aadsts":"","traceId":"","correlationId":""},"sealedSecret":"AQ"}`
