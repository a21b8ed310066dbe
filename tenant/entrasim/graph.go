package entrasim

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Graph application permissions that let a call through, as Graph decides
// it: the narrow permission or a broader one that includes it.
var (
	permsOrganization = []string{"Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	permsApplication  = []string{"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	permsUser         = []string{"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
)

const msgDenied = "Insufficient privileges to complete the operation."

// resourceNotFound is Graph's 404 for an object that does not exist.
func resourceNotFound(w http.ResponseWriter, r *http.Request, id string) {
	graphError(w, r, http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
}

func (s *Server) graph(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		graphError(w, r, http.StatusMethodNotAllowed, "Request_BadRequest", "Only GET is simulated.")
		return
	}
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "Bearer ") {
		graphError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty.")
		return
	}
	s.mu.Lock()
	now := s.now()
	s.mu.Unlock()
	claims, err := verifyJWT(&s.key.PublicKey, strings.TrimPrefix(auth, "Bearer "), now)
	if err != nil {
		graphError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. "+err.Error())
		return
	}
	if aud, _ := claims["aud"].(string); strings.TrimSuffix(aud, "/") != strings.TrimSuffix(s.ts.URL, "/") {
		graphError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
		return
	}
	tid, _ := claims["tid"].(string)
	var roles []string
	if rs, ok := claims["roles"].([]any); ok {
		for _, x := range rs {
			if s, ok := x.(string); ok {
				roles = append(roles, s)
			}
		}
	}
	t, ok := s.tenant(tid)
	if !ok {
		graphError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid tenant.")
		return
	}
	// permitted answers Graph's 403 unless one of the token's roles lets
	// the call through.
	permitted := func(need []string) bool {
		for _, have := range roles {
			if slices.Contains(need, have) {
				return true
			}
		}
		graphError(w, r, http.StatusForbidden, "Authorization_RequestDenied", msgDenied)
		return false
	}

	path := strings.TrimPrefix(r.URL.EscapedPath(), "/v1.0/")
	switch {
	case path == "organization":
		if !permitted(permsOrganization) {
			return
		}
		var doms []map[string]any
		for _, d := range t.Domains {
			doms = append(doms, map[string]any{"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": d.IsDefault, "isInitial": d.IsInitial, "name": d.Name, "type": "Managed"})
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"@odata.context": s.ts.URL + "/v1.0/$metadata#organization(id,displayName,verifiedDomains)",
			"value":          []any{map[string]any{"id": t.ID, "displayName": t.DisplayName, "verifiedDomains": doms}},
		})
	case strings.HasPrefix(path, "applications(appId="):
		appID := strings.TrimSuffix(strings.TrimPrefix(path, "applications(appId="), ")")
		if u, err := url.PathUnescape(appID); err == nil {
			appID = u
		}
		appID = strings.Trim(appID, "'")
		if !permitted(permsApplication) {
			return
		}
		a := t.app(appID)
		if a == nil {
			resourceNotFound(w, r, appID)
			return
		}
		creds := []any{}
		for _, sec := range a.Secrets {
			var end, start any
			if !sec.EndDateTime.IsZero() {
				end = sec.EndDateTime.UTC().Format(time.RFC3339Nano)
			}
			if !sec.StartDateTime.IsZero() {
				start = sec.StartDateTime.UTC().Format(time.RFC3339Nano)
			}
			creds = append(creds, map[string]any{
				"customKeyIdentifier": nil, "displayName": sec.DisplayName, "endDateTime": end,
				"hint": sec.hint(), "keyId": sec.KeyID, "secretText": nil, "startDateTime": start,
			})
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"@odata.context": s.ts.URL + "/v1.0/$metadata#applications(id,appId,displayName,passwordCredentials)/$entity",
			"id":             a.ObjectID, "appId": a.AppID, "displayName": a.DisplayName, "passwordCredentials": creds,
		})
	case strings.HasPrefix(path, "servicePrincipals/") && strings.HasSuffix(path, "/memberOf/microsoft.graph.directoryRole"):
		oid := strings.TrimSuffix(strings.TrimPrefix(path, "servicePrincipals/"), "/memberOf/microsoft.graph.directoryRole")
		if !permitted(permsApplication) {
			return
		}
		a := t.appBySP(oid)
		if a == nil {
			resourceNotFound(w, r, oid)
			return
		}
		vals := []any{}
		for _, id := range a.Roles {
			name := RoleNames[id]
			if name == "" {
				name = "Directory role " + id
			}
			vals = append(vals, map[string]any{"@odata.type": "#microsoft.graph.directoryRole", "displayName": name, "roleTemplateId": id})
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"@odata.context": s.ts.URL + "/v1.0/$metadata#directoryRoles(displayName,roleTemplateId)",
			"value":          vals,
		})
	case strings.HasPrefix(path, "users/"):
		upn, err := url.PathUnescape(strings.TrimPrefix(path, "users/"))
		if err != nil {
			graphError(w, r, http.StatusBadRequest, "Request_BadRequest", "Invalid object identifier.")
			return
		}
		if !permitted(permsUser) {
			return
		}
		u := t.user(upn)
		if u == nil {
			resourceNotFound(w, r, upn)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"@odata.context":    s.ts.URL + "/v1.0/$metadata#users(id,userPrincipalName,displayName,accountEnabled)/$entity",
			"id":                u.ID,
			"userPrincipalName": u.UserPrincipalName, "displayName": u.DisplayName, "accountEnabled": u.AccountEnabled,
		})
	default:
		graphError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+path+"'.")
	}
}
