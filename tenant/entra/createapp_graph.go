package entra

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"onboard/tenant"
)

// The Graph writes that create a customer's App registration with the
// signed-in admin's delegated token, each as its API reference page
// documents it (https://learn.microsoft.com/en-us/graph/api/{page}):
//
//	GET  servicePrincipals(appId='00000003-…')         serviceprincipal-get: Graph's id and app role IDs
//	POST applications                                   application-post-applications
//	POST servicePrincipals                              serviceprincipal-post-serviceprincipals
//	POST servicePrincipals/{graph}/appRoleAssignedTo ×3 serviceprincipal-post-approleassignedto
//	POST roleManagement/directory/roleAssignments       rbacapplication-post-roleassignments
//	POST applications/{id}/addPassword                  application-addpassword
//
// Eight requests in all; removing what was created is two more (DELETE
// servicePrincipals/{id}, which takes the grants and the role with it,
// and DELETE applications/{id}, which takes the secret).

// graphAppID is Microsoft Graph's application ID, the same in every cloud.
const graphAppID = "00000003-0000-0000-c000-000000000000"

// createdRole is the role a created App registration gets: enough for
// Direct Routing on its own (docs/validation.md).
const createdRole = tenant.RoleTeamsAdministrator

// write sends one Graph write (or read) with the admin's token; a refusal
// comes back worded for the step.
func (s *AdminSession) write(ctx context.Context, step, method, path string, body, out any) error {
	tok, z, err := s.bearer()
	if err != nil {
		return &tenant.CreateError{Step: step, Detail: "The admin's sign-in was closed before " + strings.ToLower(step) + " was done.", Fix: "Start again: the admin signs in with a new code."}
	}
	v := s.c.v
	res := v.graphDo(ctx, z, tok, method, path, body, out)
	v.debug("graph write", "step", step, "method", method, "path", path, "status", res.Status, "code", res.Code)
	if res.ok() {
		return nil
	}
	return explainCreate(ctx, z, step, res, s.admin.UPN, v.graph, v.timeout)
}

// graphRoles reads Microsoft Graph's service principal in the tenant
// once: its id and the IDs of its app roles by permission name.
func (s *AdminSession) graphRoles(ctx context.Context, step string) error {
	if s.graphSP != "" {
		return nil
	}
	var sp struct {
		ID       string `json:"id"`
		AppRoles []struct {
			ID    string `json:"id"`
			Value string `json:"value"`
		} `json:"appRoles"`
	}
	if err := s.write(ctx, step, http.MethodGet, "servicePrincipals(appId='"+graphAppID+"')?$select=id,appRoles", nil, &sp); err != nil {
		return err
	}
	id, ok := tenant.ParseGUID(sp.ID)
	roles := map[string]string{}
	for _, ar := range sp.AppRoles {
		if g, ok := tenant.ParseGUID(ar.ID); ok {
			roles[ar.Value] = g
		}
	}
	for _, p := range requiredPermissions {
		if roles[p.Name] == "" {
			ok = false
		}
	}
	if !ok {
		return &tenant.CreateError{Step: step, Detail: "Microsoft Graph's service principal in the tenant does not list the app roles onboard needs (" + permissionNames() + ").",
			Fix: "Try again; if it persists, the tenant's Microsoft Graph service principal needs Microsoft support."}
	}
	s.graphSP, s.appRoles = id, roles
	return nil
}

func permissionNames() string {
	var names []string
	for _, p := range requiredPermissions {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// CreateApplication creates the App registration app.DisplayName names,
// asking for the Graph application permissions the validator needs
// (requiredResourceAccess), and sets its ObjectID and AppID.
func (s *AdminSession) CreateApplication(ctx context.Context, app *tenant.CreatedApp) error {
	if err := s.graphRoles(ctx, tenant.StepApplication); err != nil {
		return err
	}
	var access []map[string]string
	for _, p := range requiredPermissions {
		access = append(access, map[string]string{"id": s.appRoles[p.Name], "type": "Role"})
	}
	var out struct {
		ID    string `json:"id"`
		AppID string `json:"appId"`
	}
	err := s.write(ctx, tenant.StepApplication, http.MethodPost, "applications", map[string]any{
		"displayName":            app.DisplayName,
		"signInAudience":         "AzureADMyOrg",
		"requiredResourceAccess": []any{map[string]any{"resourceAppId": graphAppID, "resourceAccess": access}},
	}, &out)
	if err != nil {
		return err
	}
	oid, ok1 := tenant.ParseGUID(out.ID)
	appID, ok2 := tenant.ParseGUID(out.AppID)
	if !ok1 || !ok2 {
		return &tenant.CreateError{Step: tenant.StepApplication, Detail: "Microsoft Graph's answer to creating the App registration lacked its id or appId.",
			Fix: "Look for an App registration named " + app.DisplayName + " in the Entra admin center and delete it, then try again."}
	}
	app.ObjectID, app.AppID = oid, appID
	return nil
}

// CreateServicePrincipal creates the app's service principal (its
// Enterprise application) in the tenant.
func (s *AdminSession) CreateServicePrincipal(ctx context.Context, app *tenant.CreatedApp) error {
	var out struct {
		ID string `json:"id"`
	}
	if err := s.write(ctx, tenant.StepServicePrincipal, http.MethodPost, "servicePrincipals", map[string]string{"appId": app.AppID}, &out); err != nil {
		return err
	}
	id, ok := tenant.ParseGUID(out.ID)
	if !ok {
		return &tenant.CreateError{Step: tenant.StepServicePrincipal, Detail: "Microsoft Graph's answer to creating the service principal lacked its id."}
	}
	app.ServicePrincipalID = id
	return nil
}

// GrantPermissions grants admin consent for the Graph application
// permissions: one app role assignment each, to the app's service
// principal, on Microsoft Graph's.
func (s *AdminSession) GrantPermissions(ctx context.Context, app *tenant.CreatedApp) error {
	if err := s.graphRoles(ctx, tenant.StepConsent); err != nil {
		return err
	}
	for _, p := range requiredPermissions {
		err := s.write(ctx, tenant.StepConsent, http.MethodPost, "servicePrincipals/"+url.PathEscape(s.graphSP)+"/appRoleAssignedTo",
			map[string]string{"principalId": app.ServicePrincipalID, "resourceId": s.graphSP, "appRoleId": s.appRoles[p.Name]}, nil)
		if err != nil {
			return err
		}
		app.Permissions = append(app.Permissions, p.Name)
	}
	return nil
}

// AssignRole assigns Teams Administrator to the app's service principal
// for the whole tenant (directoryScopeId "/").
func (s *AdminSession) AssignRole(ctx context.Context, app *tenant.CreatedApp) error {
	err := s.write(ctx, tenant.StepRole, http.MethodPost, "roleManagement/directory/roleAssignments", map[string]string{
		"@odata.type": "#microsoft.graph.unifiedRoleAssignment", "roleDefinitionId": createdRole,
		"principalId": app.ServicePrincipalID, "directoryScopeId": "/",
	}, nil)
	if err != nil {
		return err
	}
	r, _ := tenant.RoleByID(createdRole)
	app.Role = r.Name
	return nil
}

// AddSecret adds a client secret that expires at expires and returns it:
// Graph shows its value this once, and it goes nowhere but to the caller.
func (s *AdminSession) AddSecret(ctx context.Context, app *tenant.CreatedApp, expires time.Time) (tenant.Secret, error) {
	var out struct {
		KeyID       string     `json:"keyId"`
		SecretText  string     `json:"secretText"`
		EndDateTime *time.Time `json:"endDateTime"`
	}
	err := s.write(ctx, tenant.StepSecret, http.MethodPost, "applications/"+url.PathEscape(app.ObjectID)+"/addPassword", map[string]any{
		"passwordCredential": map[string]string{"displayName": "onboard", "endDateTime": expires.UTC().Format(time.RFC3339)},
	}, &out)
	if err != nil {
		return tenant.Secret{}, err
	}
	if out.SecretText != "" {
		// From now on the secret is scrubbed from whatever the session
		// reads (a proxy that saw this answer could echo it back).
		s.mu.Lock()
		s.z = newSanitizer(tenant.NewSecret(out.SecretText))
		s.mu.Unlock()
	}
	secret, _, cerr := tenant.CleanSecret(out.SecretText)
	keyID, ok := tenant.ParseGUID(out.KeyID)
	if cerr != nil || !ok {
		return tenant.Secret{}, &tenant.CreateError{Step: tenant.StepSecret, Detail: "Microsoft Graph's answer to adding the client secret lacked a usable secret.",
			Fix: "Remove what was created and try again."}
	}
	app.SecretKeyID = keyID
	if out.EndDateTime != nil {
		end := out.EndDateTime.UTC()
		app.SecretExpiresAt = &end
	}
	return secret, nil
}

// Remove deletes what was created: the service principal (its grants
// and its role go with it), then the App registration (its secret goes
// with it). It returns what it removed, in words; Entra ID keeps deleted
// App registrations for 30 days (Deleted applications).
func (s *AdminSession) Remove(ctx context.Context, app tenant.CreatedApp) ([]string, error) {
	var removed []string
	if app.ServicePrincipalID != "" {
		if err := s.write(ctx, tenant.StepRemoval, http.MethodDelete, "servicePrincipals/"+url.PathEscape(app.ServicePrincipalID), nil, nil); err != nil {
			return removed, err
		}
		what := "the service principal " + app.ServicePrincipalID
		if len(app.Permissions) > 0 || app.Role != "" {
			what += " with its permissions and role"
		}
		removed = append(removed, what)
	}
	if app.ObjectID != "" {
		if err := s.write(ctx, tenant.StepRemoval, http.MethodDelete, "applications/"+url.PathEscape(app.ObjectID), nil, nil); err != nil {
			return removed, err
		}
		what := fmt.Sprintf("the App registration %q (Application ID %s)", app.DisplayName, app.AppID)
		if app.SecretKeyID != "" {
			what += " with its client secret"
		}
		removed = append(removed, what)
	}
	return removed, nil
}
