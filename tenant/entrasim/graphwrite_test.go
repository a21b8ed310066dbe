package entrasim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func send(t *testing.T, s *Server, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, s.URL()+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return do(t, s, req)
}

func del(t *testing.T, s *Server, path, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, s.URL()+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// created is what one admin's writes made.
type created struct {
	objectID, appID, spID, secret string
}

// createApp makes an App registration the way onboard does, failing the
// test at the first write that is not answered with want[step] (201 when
// not given); it stops at the first refusal.
func createApp(t *testing.T, s *Server, at string, want map[string]int) (created, map[string]any) {
	t.Helper()
	var c created
	expect := func(step string, st int, m map[string]any, ok int) bool {
		t.Helper()
		if w, set := want[step]; set {
			ok = w
		}
		if st != ok {
			t.Fatalf("%s: %d %v, want %d", step, st, m, ok)
		}
		return st/100 == 2
	}
	st, sp := get(t, s, "/v1.0/servicePrincipals(appId='"+ResourceGraph+"')?$select=id,appRoles", at)
	if !expect("graph", st, sp, 200) {
		return c, sp
	}
	roles := map[string]string{}
	for _, r := range sp["appRoles"].([]any) {
		ar := r.(map[string]any)
		roles[ar["value"].(string)] = ar["id"].(string)
	}
	perms := []string{"Organization.Read.All", "Application.Read.All", "User.Read.All"}
	var access []any
	for _, p := range perms {
		access = append(access, map[string]any{"id": roles[p], "type": "Role"})
	}
	st, app := send(t, s, http.MethodPost, "/v1.0/applications", at, map[string]any{"displayName": "onboard – test", "signInAudience": "AzureADMyOrg",
		"requiredResourceAccess": []any{map[string]any{"resourceAppId": ResourceGraph, "resourceAccess": access}}})
	if !expect("application", st, app, 201) {
		return c, app
	}
	c.objectID, c.appID = app["id"].(string), app["appId"].(string)
	st, spm := send(t, s, http.MethodPost, "/v1.0/servicePrincipals", at, map[string]any{"appId": c.appID})
	if !expect("servicePrincipal", st, spm, 201) {
		return c, spm
	}
	c.spID = spm["id"].(string)
	for _, p := range perms {
		st, m := send(t, s, http.MethodPost, "/v1.0/servicePrincipals/"+sp["id"].(string)+"/appRoleAssignedTo", at,
			map[string]any{"principalId": c.spID, "resourceId": sp["id"], "appRoleId": roles[p]})
		if !expect("consent", st, m, 201) {
			return c, m
		}
	}
	st, m := send(t, s, http.MethodPost, "/v1.0/roleManagement/directory/roleAssignments", at,
		map[string]any{"@odata.type": "#microsoft.graph.unifiedRoleAssignment", "roleDefinitionId": RoleTeamsAdministrator, "principalId": c.spID, "directoryScopeId": "/"})
	if !expect("role", st, m, 201) {
		return c, m
	}
	st, pw := send(t, s, http.MethodPost, "/v1.0/applications/"+c.objectID+"/addPassword", at,
		map[string]any{"passwordCredential": map[string]any{"displayName": "onboard", "endDateTime": "2027-11-25T12:00:00Z"}})
	if !expect("secret", st, pw, 200) {
		return c, pw
	}
	c.secret = pw["secretText"].(string)
	return c, pw
}

func TestGraphWritesCreateAnAppThatWorks(t *testing.T) {
	s := startManual(t)
	at := signInAs(t, s, tailwindTenant, "admin@tailwindtraders.com")
	s.ResetCounts()
	c, pw := createApp(t, s, at, nil)
	if n := s.Count(KindGraph); n != 8 {
		t.Errorf("%d Graph requests to create an app, want 8 (Graph's service principal, app, its service principal, 3 grants, role, secret)", n)
	}
	if len(c.secret) != 40 || c.secret[3:6] != "8Q~" || pw["hint"] != c.secret[:3] || pw["endDateTime"] != "2027-11-25T12:00:00Z" || pw["keyId"] == "" {
		t.Errorf("addPassword answered %v", pw)
	}
	// Admin consent and the role are in the new app's own token.
	st, m := token(t, s, tailwindTenant, c.appID, c.secret)
	if st != 200 {
		t.Fatalf("token of the new app: %d %v", st, m)
	}
	claims := claimsOf(t, m["access_token"].(string))
	if r := stringsOf(claims["roles"]); len(r) != 3 || !slices.Contains(stringsOf(claims["wids"]), RoleTeamsAdministrator) || claims["oid"] != c.spID {
		t.Errorf("the new app's token: %v", claims)
	}
	// Graph's answers keep their shapes for what was created.
	appToken := m["access_token"].(string)
	if st, a := get(t, s, "/v1.0/applications(appId='"+c.appID+"')", appToken); st != 200 || len(a["passwordCredentials"].([]any)) != 1 {
		t.Errorf("the new app read back: %d %v", st, a)
	}
	// What exists cannot be created twice.
	if st, m := send(t, s, http.MethodPost, "/v1.0/servicePrincipals", at, map[string]any{"appId": c.appID}); st != 409 || graphCode(m) != "Request_MultipleObjectsWithSameKeyValue" {
		t.Errorf("second service principal: %d %v", st, m)
	}
	if st, m := send(t, s, http.MethodPost, "/v1.0/servicePrincipals", at, map[string]any{"appId": "11111111-2222-4333-8444-555555555555"}); st != 400 || graphCode(m) != "Request_BadRequest" {
		t.Errorf("service principal of no app: %d %v", st, m)
	}
	if st, m := send(t, s, http.MethodPost, "/v1.0/applications", at, map[string]any{"signInAudience": "AzureADMyOrg"}); st != 400 {
		t.Errorf("an app without a name: %d %v", st, m)
	}
	// Removal: the service principal (with its grants and role), then the app.
	if st := del(t, s, "/v1.0/servicePrincipals/"+c.spID, at); st != 204 {
		t.Errorf("delete service principal: %d", st)
	}
	if st, m := token(t, s, tailwindTenant, c.appID, c.secret); st != 401 {
		t.Errorf("token after its service principal was deleted: %d %v", st, m)
	}
	if st := del(t, s, "/v1.0/applications/"+c.objectID, at); st != 204 {
		t.Errorf("delete application: %d", st)
	}
	if st := del(t, s, "/v1.0/applications/"+c.objectID, at); st != 404 {
		t.Errorf("delete it again: %d", st)
	}
	st, m = token(t, s, tailwindTenant, c.appID, c.secret)
	if st != 400 {
		t.Errorf("token after the app was deleted: %d %v", st, m)
	}
	checkEntraError(t, m, "700016")
}

// An Application Administrator creates the app and its service principal
// but may not grant Graph application permissions nor assign roles; a
// user without a role may not even create the app; an app-only token
// without Application.ReadWrite.All may not write.
func TestGraphWritesNeedTheAdminRights(t *testing.T) {
	s := startManual(t)
	at := signInAs(t, s, wideWorldTenant, "admin@wideworldimporters.com")
	c, m := createApp(t, s, at, map[string]int{"consent": 403})
	if graphCode(m) != "Authorization_RequestDenied" || c.spID == "" {
		t.Fatalf("consent by an Application Administrator: %v (created %+v)", m, c)
	}
	if st, m := send(t, s, http.MethodPost, "/v1.0/roleManagement/directory/roleAssignments", at,
		map[string]any{"roleDefinitionId": RoleTeamsAdministrator, "principalId": c.spID, "directoryScopeId": "/"}); st != 403 {
		t.Errorf("role by an Application Administrator: %d %v", st, m)
	}
	// It can remove what it created.
	if del(t, s, "/v1.0/servicePrincipals/"+c.spID, at) != 204 || del(t, s, "/v1.0/applications/"+c.objectID, at) != 204 {
		t.Error("an Application Administrator could not remove its app")
	}

	s.Update(func(d *Directory) { d.lookupTenant(wideWorldTenant).Users[0].Roles = nil })
	at = signInAs(t, s, wideWorldTenant, "admin@wideworldimporters.com")
	if st, m := send(t, s, http.MethodPost, "/v1.0/applications", at, map[string]any{"displayName": "x"}); st != 403 || graphCode(m) != "Authorization_RequestDenied" {
		t.Errorf("an app by a user without a role: %d %v", st, m)
	}
	_, tm := token(t, s, contosoTenant, contosoApp, contosoSecret)
	if st, m := send(t, s, http.MethodPost, "/v1.0/applications", tm["access_token"].(string), map[string]any{"displayName": "x"}); st != 403 {
		t.Errorf("an app by an app without Application.ReadWrite.All: %d %v", st, m)
	}
}

// A new secret is refused for a while: 700016, 7000229, then 7000215
// until the lag is over. Only Graph token requests count (one per
// validation); the Teams admin API's beside it is refused without
// counting.
func TestReplicationLag(t *testing.T) {
	s := startManual(t)
	s.SetReplicationLag(3)
	at := signInAs(t, s, tailwindTenant, "admin@tailwindtraders.com")
	c, _ := createApp(t, s, at, nil)
	for _, want := range []string{"700016", "7000229", "7000215"} {
		if st, m := tokenFor(t, s, tailwindTenant, c.appID, c.secret, ResourceTeamsAdminAPI); st/100 != 4 {
			t.Errorf("Teams admin API token while replicating: %d %v", st, m)
		}
		st, m := token(t, s, tailwindTenant, c.appID, c.secret)
		if st/100 != 4 {
			t.Fatalf("while replicating: %d %v, want AADSTS%s", st, m, want)
		}
		checkEntraError(t, m, want)
		if d := m["error_description"].(string); !strings.Contains(d, c.appID) {
			t.Errorf("%s does not name the app: %s", want, d)
		}
	}
	if st, m := token(t, s, tailwindTenant, c.appID, c.secret); st != 200 {
		t.Errorf("after replication: %d %v", st, m)
	}
	if st, m := tokenFor(t, s, tailwindTenant, c.appID, c.secret, ResourceTeamsAdminAPI); st != 200 {
		t.Errorf("Teams admin API token after replication: %d %v", st, m)
	}
}
