package entrasim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"onboard/tenant/internal/randomid"
)

// The Graph writes that create an App registration for a customer, as a
// signed-in admin makes them with a delegated token, each as its API
// reference page documents it, with Graph's errors:
//
//	POST   /applications                              application-post-applications
//	POST   /servicePrincipals                         serviceprincipal-post-serviceprincipals
//	POST   /servicePrincipals/{id}/appRoleAssignedTo  serviceprincipal-post-approleassignedto
//	POST   /roleManagement/directory/roleAssignments  rbacapplication-post-roleassignments
//	POST   /applications/{id}/addPassword             application-addpassword
//	DELETE /servicePrincipals/{id}, /applications/{id} serviceprincipal-delete, application-delete
//
// (each at https://learn.microsoft.com/en-us/graph/api/{page}). A
// delegated call needs the permission in the token's scp and, for the
// signed-in user, a directory role that may do it: creating and deleting
// apps Application Administrator, Cloud Application Administrator or
// Global Administrator; granting Microsoft Graph application permissions
// (admin consent) and assigning directory roles Privileged Role
// Administrator or Global Administrator (Grant tenant-wide admin consent,
// https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/grant-admin-consent,
// and Microsoft Entra built-in roles,
// https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference).
// Without them Graph answers 403 Authorization_RequestDenied.
//
// A new App registration and its secret take a while to reach every
// Entra ID replica: Microsoft Entra is eventually consistent, "a newly
// created object [may] return a 'Not Found'" for a while (Designing for
// eventual consistency for Microsoft Entra,
// https://devblogs.microsoft.com/identity/designing-for-eventual-consistency-for-microsoft-entra/;
// a service principal's copy of its app "isn't immediate", Manage
// Microsoft Entra applications and service principals using Microsoft
// Graph, https://learn.microsoft.com/en-us/graph/api/resources/applications-api-overview).
// For a short time after creation the token endpoint answers 700016 (the
// app), 7000229 (its service principal) or 7000215 (the secret)
// (observed). SetReplicationLag simulates it, counted in token requests
// rather than seconds so that tests do not depend on the clock.

// More built-in directory role template IDs (permissions reference,
// above): the roles that create apps and grant consent.
const (
	RolePrivilegedRoleAdministrator   = "e8611ab8-c189-46e8-94e1-60213ab1f814"
	RoleApplicationAdministrator      = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
	RoleCloudApplicationAdministrator = "158c047a-c907-4556-b7ef-446551a6b5f7"
)

var (
	rolesManageApps   = []string{RoleGlobalAdministrator, RoleApplicationAdministrator, RoleCloudApplicationAdministrator}
	rolesGrantAndRole = []string{RoleGlobalAdministrator, RolePrivilegedRoleAdministrator}

	// The delegated and application permissions each write needs (each
	// API page's "Permissions" table).
	permsWriteApps     = []string{"Application.ReadWrite.All"}
	permsAssignAppRole = []string{"AppRoleAssignment.ReadWrite.All"}
	permsRoleAssign    = []string{"RoleManagement.ReadWrite.Directory"}
)

// graphAppRole is an app role (application permission) Microsoft Graph's
// service principal defines, with its ID, the same in every tenant
// (Microsoft Graph permissions reference,
// https://learn.microsoft.com/en-us/graph/permissions-reference).
type graphAppRole struct{ ID, Value, DisplayName string }

var graphAppRoles = []graphAppRole{
	{"498476ce-e0fe-48b0-b801-37ba7e2685c6", "Organization.Read.All", "Read organization information"},
	{"9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Application.Read.All", "Read all applications"},
	{"df021288-bdef-4463-88db-98f22de89214", "User.Read.All", "Read all users' full profiles"},
	{"7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Directory.Read.All", "Read directory data"},
	{"483bed4a-2ad3-4361-a73b-c83ccdbdc53c", "RoleManagement.Read.Directory", "Read all directory RBAC settings"},
	{"1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "Application.ReadWrite.All", "Read and write all applications"},
	{"19dbc75e-c2e2-444c-a770-ec69d8559fc7", "Directory.ReadWrite.All", "Read and write directory data"},
	{"9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8", "RoleManagement.ReadWrite.Directory", "Read and write all directory RBAC settings"},
	{"06b708a9-e830-4db3-a914-8e69da51d44f", "AppRoleAssignment.ReadWrite.All", "Manage app permission grants and app role assignments"},
}

// graphServicePrincipalID is Microsoft Graph's service principal in a
// tenant: a first-party app every tenant has.
func graphServicePrincipalID(t Tenant) string {
	return objectID(t.ID, ResourceGraph, "servicePrincipal")
}

// isGraphServicePrincipal reports whether path addresses Microsoft
// Graph's own service principal by its appId.
func isGraphServicePrincipal(path string) bool {
	const prefix = "servicePrincipals(appId="
	return strings.HasPrefix(path, prefix) && !strings.Contains(path, "/") && keyOf(path, prefix) == ResourceGraph
}

// graphServicePrincipal answers GET servicePrincipals(appId='00000003-…'):
// where a client finds Graph's service principal id (the resourceId of an
// app role assignment) and its app role IDs.
func (s *Server) graphServicePrincipal(w http.ResponseWriter, _ *http.Request, t Tenant) {
	roles := []any{}
	for _, ar := range graphAppRoles {
		roles = append(roles, map[string]any{"allowedMemberTypes": []string{"Application"}, "description": "Allows the app to " + strings.ToLower(ar.DisplayName) + " without a signed-in user.",
			"displayName": ar.DisplayName, "id": ar.ID, "isEnabled": true, "origin": "Application", "value": ar.Value})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"@odata.context": s.ts.URL + "/v1.0/$metadata#servicePrincipals(id,appId,displayName,appRoles)/$entity",
		"id":             graphServicePrincipalID(t), "appId": ResourceGraph, "displayName": "Microsoft Graph", "appRoles": roles,
	})
}

// allowed answers Graph's 403 unless the token carries one of perms and,
// for a signed-in user, the user holds one of roles.
func (c graphCaller) allowed(w http.ResponseWriter, r *http.Request, perms, roles []string) bool {
	ok := false
	for _, p := range c.permissions {
		ok = ok || slices.Contains(perms, p)
	}
	if ok && c.delegated {
		ok = false
		for _, id := range userRoles(c.user) {
			ok = ok || slices.Contains(roles, strings.ToLower(id))
		}
	}
	if !ok {
		graphError(w, r, http.StatusForbidden, "Authorization_RequestDenied", msgDenied)
	}
	return ok
}

func userRoles(u *User) []string {
	if u == nil {
		return nil
	}
	return u.Roles
}

// graphWrite serves the writes of the table above.
func (s *Server) graphWrite(w http.ResponseWriter, r *http.Request, c graphCaller) {
	path := strings.TrimPrefix(r.URL.EscapedPath(), "/v1.0/")
	seg := strings.Split(path, "/")
	switch {
	case r.Method == http.MethodPost && path == "applications":
		if c.allowed(w, r, permsWriteApps, rolesManageApps) {
			s.createApplication(w, r, c.tenant)
		}
	case r.Method == http.MethodPost && path == "servicePrincipals":
		if c.allowed(w, r, permsWriteApps, rolesManageApps) {
			s.createServicePrincipal(w, r, c.tenant)
		}
	case r.Method == http.MethodPost && len(seg) == 3 && seg[0] == "servicePrincipals" && seg[2] == "appRoleAssignedTo":
		// AppRoleAssignment.ReadWrite.All and Application.Read.All (or
		// Directory.Read.All), both (serviceprincipal-post-approleassignedto).
		if c.allowed(w, r, permsAssignAppRole, rolesGrantAndRole) && c.allowed(w, r, permsApplication, rolesGrantAndRole) {
			s.grantAppRole(w, r, c.tenant, seg[1])
		}
	case r.Method == http.MethodPost && path == "roleManagement/directory/roleAssignments":
		if c.allowed(w, r, permsRoleAssign, rolesGrantAndRole) {
			s.assignRole(w, r, c.tenant)
		}
	case r.Method == http.MethodPost && len(seg) == 3 && seg[0] == "applications" && seg[2] == "addPassword":
		if c.allowed(w, r, permsWriteApps, rolesManageApps) {
			s.addPassword(w, r, c.tenant, seg[1])
		}
	case r.Method == http.MethodDelete && len(seg) == 2 && (seg[0] == "applications" || seg[0] == "servicePrincipals"):
		if c.allowed(w, r, permsWriteApps, rolesManageApps) {
			s.deleteObject(w, r, c.tenant, seg[0], seg[1])
		}
	default:
		graphError(w, r, http.StatusMethodNotAllowed, "Request_BadRequest", "This write is not simulated.")
	}
}

// readBody decodes a write's JSON body or answers Graph's 400 (worded by
// the simulator).
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil {
		graphError(w, r, http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
		return false
	}
	return true
}

// changeApps edits a tenant's App registrations on a copy and puts the
// copy in place: requests reading the tenant meanwhile keep the slice
// they had. fn returns false to change nothing.
func (s *Server) changeApps(tenantID string, fn func(apps []App) ([]App, bool)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[strings.ToLower(tenantID)]
	if !ok {
		return false
	}
	apps := make([]App, len(s.dir.Tenants[i].Apps))
	for j, a := range s.dir.Tenants[i].Apps {
		a.Secrets, a.Permissions, a.Roles = slices.Clip(a.Secrets), slices.Clip(a.Permissions), slices.Clip(a.Roles)
		apps[j] = a
	}
	out, ok := fn(apps)
	if ok {
		s.dir.Tenants[i].Apps = out
	}
	return ok
}

func findApp(apps []App, match func(App) bool) int {
	for i, a := range apps {
		if match(a) {
			return i
		}
	}
	return -1
}

func initialDomain(t Tenant) string {
	for _, d := range t.Domains {
		if d.IsInitial {
			return d.Name
		}
	}
	return ""
}

// createApplication: 201 and the application object
// (application-post-applications); displayName is required, and
// signInAudience is AzureADMyOrg unless set
// (https://learn.microsoft.com/en-us/graph/api/resources/application).
func (s *Server) createApplication(w http.ResponseWriter, r *http.Request, t Tenant) {
	var in struct {
		DisplayName            string `json:"displayName"`
		SignInAudience         string `json:"signInAudience"`
		RequiredResourceAccess []any  `json:"requiredResourceAccess"`
	}
	if !readBody(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.DisplayName) == "" {
		graphError(w, r, http.StatusBadRequest, "Request_BadRequest", "Property 'displayName' is required.")
		return
	}
	if in.SignInAudience == "" {
		in.SignInAudience = "AzureADMyOrg"
	}
	if in.RequiredResourceAccess == nil {
		in.RequiredResourceAccess = []any{}
	}
	a := App{AppID: randomid.GUID(), ObjectID: randomid.GUID(), DisplayName: in.DisplayName}
	s.changeApps(t.ID, func(apps []App) ([]App, bool) { return append(apps, a), true })
	s.mu.Lock()
	created := s.now().UTC().Format(time.RFC3339)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{
		"@odata.context": s.ts.URL + "/v1.0/$metadata#applications/$entity",
		"id":             a.ObjectID, "deletedDateTime": nil, "appId": a.AppID, "createdDateTime": created,
		"displayName": a.DisplayName, "identifierUris": []string{}, "publisherDomain": initialDomain(t),
		"signInAudience": in.SignInAudience, "tags": []string{}, "appRoles": []any{}, "keyCredentials": []any{},
		"passwordCredentials": []any{}, "requiredResourceAccess": in.RequiredResourceAccess,
		"publicClient": map[string]any{"redirectUris": []string{}},
		"web":          map[string]any{"redirectUris": []string{}, "homePageUrl": nil, "logoutUrl": nil},
	})
}

// createServicePrincipal: 201 and the service principal
// (serviceprincipal-post-serviceprincipals); appId is required. An appId
// that is no application of the tenant is refused with 400 as observed
// (https://learn.microsoft.com/en-us/answers/questions/5883620/ms-graph-api-failing-to-create-service-principal-f);
// an app that already has its service principal with 409 Conflict
// (https://learn.microsoft.com/en-us/graph/errors; worded by the
// simulator).
func (s *Server) createServicePrincipal(w http.ResponseWriter, r *http.Request, t Tenant) {
	var in struct {
		AppID string `json:"appId"`
	}
	if !readBody(w, r, &in) {
		return
	}
	var a App
	status := 0
	s.changeApps(t.ID, func(apps []App) ([]App, bool) {
		i := findApp(apps, func(a App) bool { return strings.EqualFold(a.AppID, in.AppID) })
		switch {
		case i < 0:
			status = http.StatusBadRequest
			return nil, false
		case apps[i].ServicePrincipalID != "":
			status = http.StatusConflict
			return nil, false
		}
		apps[i].ServicePrincipalID = randomid.GUID()
		a = apps[i]
		return apps, true
	})
	switch status {
	case http.StatusBadRequest:
		graphError(w, r, status, "Request_BadRequest", "The appId '"+in.AppID+"' of the service principal does not reference a valid application object.")
		return
	case http.StatusConflict:
		graphError(w, r, status, "Request_MultipleObjectsWithSameKeyValue", "The service principal cannot be created, updated, or restored because the service principal name "+in.AppID+" is already in use.")
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"@odata.context": s.ts.URL + "/v1.0/$metadata#servicePrincipals/$entity",
		"id":             a.ServicePrincipalID, "deletedDateTime": nil, "accountEnabled": true, "appDisplayName": a.DisplayName,
		"appId": a.AppID, "appOwnerOrganizationId": t.ID, "appRoleAssignmentRequired": false, "displayName": a.DisplayName,
		"servicePrincipalNames": []string{a.AppID}, "servicePrincipalType": "Application", "tags": []string{},
		"appRoles": []any{}, "keyCredentials": []any{}, "passwordCredentials": []any{}, "oauth2PermissionScopes": []any{},
	})
}

// grantAppRole: 201 and the appRoleAssignment
// (serviceprincipal-post-approleassignedto): principalId the client's
// service principal, resourceId Graph's, appRoleId one of Graph's app
// roles. The simulator's only resource with app roles is Microsoft Graph.
// An unknown app role and a grant made twice are refused with 400 and the
// messages observed in real answers.
func (s *Server) grantAppRole(w http.ResponseWriter, r *http.Request, t Tenant, resource string) {
	var in struct {
		PrincipalID string `json:"principalId"`
		ResourceID  string `json:"resourceId"`
		AppRoleID   string `json:"appRoleId"`
	}
	if !readBody(w, r, &in) {
		return
	}
	graphSP := graphServicePrincipalID(t)
	if !strings.EqualFold(resource, graphSP) {
		resourceNotFound(w, r, resource)
		return
	}
	if !strings.EqualFold(in.ResourceID, graphSP) {
		graphError(w, r, http.StatusBadRequest, "Request_BadRequest", "The resourceId in the request body does not match the service principal in the request URL.")
		return
	}
	i := slices.IndexFunc(graphAppRoles, func(ar graphAppRole) bool { return strings.EqualFold(ar.ID, in.AppRoleID) })
	if i < 0 {
		graphError(w, r, http.StatusBadRequest, "Request_BadRequest", "Permission being assigned was not found on application '"+ResourceGraph+"'.")
		return
	}
	role := graphAppRoles[i].Value
	var a App
	status := 0
	s.changeApps(t.ID, func(apps []App) ([]App, bool) {
		j := findApp(apps, func(a App) bool {
			return a.ServicePrincipalID != "" && strings.EqualFold(a.ServicePrincipalID, in.PrincipalID)
		})
		switch {
		case j < 0:
			status = http.StatusNotFound
			return nil, false
		case slices.Contains(apps[j].Permissions, role):
			status = http.StatusBadRequest
			return nil, false
		}
		apps[j].Permissions = append(apps[j].Permissions, role)
		a = apps[j]
		return apps, true
	})
	switch status {
	case http.StatusNotFound:
		resourceNotFound(w, r, in.PrincipalID)
		return
	case http.StatusBadRequest:
		graphError(w, r, status, "Request_BadRequest", "Permission being assigned already exists on the object")
		return
	}
	s.mu.Lock()
	created := s.now().UTC().Format(time.RFC3339Nano)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{
		"@odata.context": s.ts.URL + "/v1.0/$metadata#servicePrincipals('" + graphSP + "')/appRoleAssignedTo/$entity",
		"id":             assignmentID(), "deletedDateTime": nil, "appRoleId": graphAppRoles[i].ID, "createdDateTime": created,
		"principalDisplayName": a.DisplayName, "principalId": a.ServicePrincipalID, "principalType": "ServicePrincipal",
		"resourceDisplayName": "Microsoft Graph", "resourceId": graphSP,
	})
}

// assignRole: 201 and the unifiedRoleAssignment
// (rbacapplication-post-roleassignments): roleDefinitionId a role's
// template ID, principalId the service principal, directoryScopeId "/"
// for the whole tenant.
func (s *Server) assignRole(w http.ResponseWriter, r *http.Request, t Tenant) {
	var in struct {
		RoleDefinitionID string `json:"roleDefinitionId"`
		PrincipalID      string `json:"principalId"`
		DirectoryScopeID string `json:"directoryScopeId"`
		AppScopeID       string `json:"appScopeId"`
	}
	if !readBody(w, r, &in) {
		return
	}
	switch {
	case in.DirectoryScopeID == "" && in.AppScopeID == "":
		graphError(w, r, http.StatusBadRequest, "Request_BadRequest", "Either directoryScopeId or appScopeId is required.")
		return
	case !isGUID(in.RoleDefinitionID):
		resourceNotFound(w, r, in.RoleDefinitionID)
		return
	}
	role := strings.ToLower(in.RoleDefinitionID)
	found := s.changeApps(t.ID, func(apps []App) ([]App, bool) {
		j := findApp(apps, func(a App) bool {
			return a.ServicePrincipalID != "" && strings.EqualFold(a.ServicePrincipalID, in.PrincipalID)
		})
		if j < 0 {
			return nil, false
		}
		if in.DirectoryScopeID == "/" && !slices.Contains(apps[j].Roles, role) {
			apps[j].Roles = append(apps[j].Roles, role)
		}
		return apps, true
	})
	if !found {
		resourceNotFound(w, r, in.PrincipalID)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"@odata.context": s.ts.URL + "/v1.0/$metadata#roleManagement/directory/roleAssignments/$entity",
		"id":             assignmentID() + "-1", "roleDefinitionId": in.RoleDefinitionID, "principalId": in.PrincipalID,
		"directoryScopeId": in.DirectoryScopeID,
	})
}

// addPassword: 200 and the new passwordCredential with its secretText,
// returned this once (application-addpassword); endDateTime defaults to
// "startDateTime + 2 years", startDateTime to "now"
// (https://learn.microsoft.com/en-us/graph/api/application-addpassword).
func (s *Server) addPassword(w http.ResponseWriter, r *http.Request, t Tenant, id string) {
	var in struct {
		PasswordCredential struct {
			DisplayName   string     `json:"displayName"`
			StartDateTime *time.Time `json:"startDateTime"`
			EndDateTime   *time.Time `json:"endDateTime"`
		} `json:"passwordCredential"`
	}
	if !readBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	now := s.now().UTC()
	s.mu.Unlock()
	pc := in.PasswordCredential
	sec := Secret{Value: secretText(), KeyID: randomid.GUID(), DisplayName: pc.DisplayName, StartDateTime: now, EndDateTime: now.AddDate(2, 0, 0)}
	if pc.StartDateTime != nil {
		sec.StartDateTime = pc.StartDateTime.UTC()
		sec.EndDateTime = sec.StartDateTime.AddDate(2, 0, 0)
	}
	if pc.EndDateTime != nil {
		sec.EndDateTime = pc.EndDateTime.UTC()
	}
	var appID string
	found := s.changeApps(t.ID, func(apps []App) ([]App, bool) {
		j := findApp(apps, func(a App) bool { return strings.EqualFold(a.ObjectID, id) })
		if j < 0 {
			return nil, false
		}
		apps[j].Secrets = append(apps[j].Secrets, sec)
		appID = apps[j].AppID
		return apps, true
	})
	if !found {
		resourceNotFound(w, r, id)
		return
	}
	s.mu.Lock()
	if st := s.state(); st.lag > 0 {
		st.replicating[strings.ToLower(appID)] = &replication{initial: st.lag, left: st.lag}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"@odata.context":      s.ts.URL + "/v1.0/$metadata#microsoft.graph.passwordCredential",
		"customKeyIdentifier": nil, "displayName": sec.DisplayName, "endDateTime": sec.EndDateTime.Format(time.RFC3339Nano),
		"hint": sec.hint(), "keyId": sec.KeyID, "secretText": sec.Value, "startDateTime": sec.StartDateTime.Format(time.RFC3339Nano),
	})
}

// deleteObject: 204 No Content (application-delete,
// serviceprincipal-delete). Deleting the service principal takes its app
// role assignments and role assignments with it; deleting the application
// removes the registration and its secrets (deleted objects go to the
// deleted items, https://learn.microsoft.com/en-us/graph/api/application-delete).
func (s *Server) deleteObject(w http.ResponseWriter, r *http.Request, t Tenant, kind, id string) {
	found := s.changeApps(t.ID, func(apps []App) ([]App, bool) {
		if kind == "servicePrincipals" {
			j := findApp(apps, func(a App) bool { return a.ServicePrincipalID != "" && strings.EqualFold(a.ServicePrincipalID, id) })
			if j < 0 {
				return nil, false
			}
			apps[j].ServicePrincipalID, apps[j].Permissions, apps[j].Roles = "", nil, nil
			return apps, true
		}
		j := findApp(apps, func(a App) bool { return strings.EqualFold(a.ObjectID, id) })
		if j < 0 {
			return nil, false
		}
		return slices.Delete(apps, j, j+1), true
	})
	if !found {
		resourceNotFound(w, r, id)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// assignmentID is an assignment id shaped like Graph's (43 base64url
// characters).
func assignmentID() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// secretText is a client secret shaped like the ones Entra ID hands out
// today: three characters, "8Q~", 34 more of [A-Za-z0-9._~-] (40 in all;
// observed). Graph documents only "16-64 characters in length"
// (https://learn.microsoft.com/en-us/graph/api/resources/passwordcredential);
// the validator's tests use secrets of other shapes (LeakySecret).
func secretText() string {
	const lead = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	const rest = lead + "._~-"
	var b [37]byte
	_, _ = rand.Read(b[:])
	out := make([]byte, 0, 40)
	for i := 0; i < 3; i++ {
		out = append(out, lead[int(b[i])%len(lead)])
	}
	out = append(out, "8Q~"...)
	for i := 3; i < 37; i++ {
		out = append(out, rest[int(b[i])%len(rest)])
	}
	return string(out)
}

// replication is how many more token requests of a new app's secret are
// refused (only those for Microsoft Graph count: a validation asks for
// one per try).
type replication struct{ initial, left int }

// SetReplicationLag makes the token endpoint refuse the first n
// validations of every client secret added from now on (by addPassword),
// as Entra ID does for a short while after an app and its secret are
// created: the first with AADSTS700016 (the app not found yet), the second
// with AADSTS7000229 (no service principal yet), the others with
// AADSTS7000215 (the secret not known yet). 0 turns it off. Only the
// Graph token requests count, one per validation, and the Teams admin
// API's beside it is refused too: a simplification, since real
// replicas catch up one by one and can issue one token while refusing the
// other (the validator's tests cover that case with a Fault).
func (s *Server) SetReplicationLag(n int) {
	s.mu.Lock()
	s.state().lag = max(n, 0)
	s.mu.Unlock()
}

// refusedWhileReplicating answers a token request for an app still
// replicating; false when the app is everywhere already.
func (s *Server) refusedWhileReplicating(w http.ResponseWriter, r *http.Request, t Tenant, app App, resource string) bool {
	s.mu.Lock()
	rep := s.state().replicating[strings.ToLower(app.AppID)]
	if rep == nil || rep.left <= 0 {
		s.mu.Unlock()
		return false
	}
	refused := rep.initial - rep.left
	if resource == ResourceGraph {
		rep.left--
	}
	s.mu.Unlock()
	switch refused {
	case 0:
		s.entraError(w, r, 700016, app.AppID+"|"+t.DisplayName)
	case 1:
		s.entraError(w, r, 7000229, app.AppID+"|"+t.ID)
	default:
		s.entraError(w, r, 7000215, app.AppID)
	}
	return true
}
