package entrasim

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Graph application permissions that let a call through, as Graph decides
// it: the least privileged permission and the higher ones each API page
// lists under "Permissions".
var (
	// https://learn.microsoft.com/en-us/graph/api/organization-list
	permsOrganization = []string{"Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	// https://learn.microsoft.com/en-us/graph/api/application-get and
	// https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list-memberof
	permsApplication = []string{"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	// https://learn.microsoft.com/en-us/graph/api/user-get
	permsUser = []string{"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	// https://learn.microsoft.com/en-us/graph/api/subscribedsku-list
	permsSKUs = []string{"LicenseAssignment.Read.All", "Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	// https://learn.microsoft.com/en-us/graph/api/domain-list
	permsDomains = []string{"Domain.Read.All", "Domain.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	// Reading directoryRole objects themselves
	// (https://learn.microsoft.com/en-us/graph/api/directoryrole-list):
	// without one of these, memberOf returns roles with limited information.
	permsReadRoles = []string{"RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory", "Directory.Read.All", "Directory.ReadWrite.All"}
)

// msgDenied is the message of Graph's 403 Authorization_RequestDenied
// for a caller without the permission (Daemon app: acquire a token, "Did
// you forget to provide admin consent?",
// https://learn.microsoft.com/en-us/entra/identity-platform/scenario-daemon-acquire-token).
const msgDenied = "Insufficient privileges to complete the operation."

// resourceNotFound is Graph's 404 for an object that does not exist
// (https://learn.microsoft.com/en-us/graph/errors); the code and message
// are as observed, e.g.
// https://learn.microsoft.com/en-us/answers/questions/936575/resource-(random-guid)-does-not-exist-or-one-of-it.
func resourceNotFound(w http.ResponseWriter, r *http.Request, id string) {
	graphError(w, r, http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
}

// graphAudience reports whether a token's aud claim is Microsoft Graph.
// Graph checks the audience, not where the request was sent: a token for
// another resource is refused with 401 InvalidAuthenticationToken
// "Access token validation failure. Invalid audience." (observed:
// https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/2362).
func graphAudience(aud string) bool {
	return resourceApp(aud) == ResourceGraph
}

func (s *Server) graph(w http.ResponseWriter, r *http.Request) {
	c, ok := s.graphCaller(w, r)
	if !ok {
		return
	}
	if r.Method != http.MethodGet {
		s.graphWrite(w, r, c)
		return
	}
	t, roles := c.tenant, c.permissions
	has := func(need []string) bool {
		for _, h := range roles {
			if slices.Contains(need, h) {
				return true
			}
		}
		return false
	}
	// permitted answers Graph's 403 unless one of the token's roles lets
	// the call through.
	permitted := func(need []string) bool {
		if has(need) {
			return true
		}
		graphError(w, r, http.StatusForbidden, "Authorization_RequestDenied", msgDenied)
		return false
	}
	ctx := s.ts.URL + "/v1.0/$metadata#"

	path := strings.TrimPrefix(r.URL.EscapedPath(), "/v1.0/")
	switch {
	case path == "organization":
		// verifiedDomains lists the verified domains only
		// (https://learn.microsoft.com/en-us/graph/api/resources/verifieddomain).
		if !permitted(permsOrganization) {
			return
		}
		doms := []any{}
		for _, d := range t.Domains {
			if !d.Unverified {
				doms = append(doms, map[string]any{"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": d.IsDefault, "isInitial": d.IsInitial, "name": d.Name, "type": "Managed"})
			}
		}
		s.writeList(w, r, ctx+"organization(id,displayName,verifiedDomains)",
			[]any{map[string]any{"id": t.ID, "displayName": t.DisplayName, "verifiedDomains": doms}})
	case path == "domains":
		if !permitted(permsDomains) {
			return
		}
		var vals []any
		for _, d := range t.Domains {
			vals = append(vals, map[string]any{"id": d.Name, "authenticationType": "Managed", "isAdminManaged": true,
				"isDefault": d.IsDefault, "isInitial": d.IsInitial, "isRoot": true, "isVerified": !d.Unverified,
				"supportedServices": []string{"Email", "OfficeCommunicationsOnline"}})
		}
		s.writeList(w, r, ctx+"domains", vals)
	case path == "subscribedSkus":
		if !permitted(permsSKUs) {
			return
		}
		var vals []any
		for _, k := range t.SKUs {
			plans := []any{}
			for _, p := range k.Plans {
				plans = append(plans, map[string]any{"servicePlanId": p.ID, "servicePlanName": p.Name, "provisioningStatus": "Success", "appliesTo": "User"})
			}
			vals = append(vals, map[string]any{
				"accountName": t.DisplayName, "accountId": t.ID, "appliesTo": "User", "capabilityStatus": "Enabled",
				"consumedUnits": k.Consumed, "id": t.ID + "_" + k.SkuID, "skuId": k.SkuID, "skuPartNumber": k.SkuPartNumber,
				"subscriptionIds": []string{objectID(t.ID, k.SkuID, "subscription")},
				"prepaidUnits":    map[string]any{"enabled": k.Enabled, "suspended": 0, "warning": 0, "lockedOut": 0},
				"servicePlans":    plans,
			})
		}
		s.writeList(w, r, ctx+"subscribedSkus", vals)
	case strings.HasPrefix(path, "applications(appId="):
		// An application addressed by its appId (application-get); its
		// passwordCredentials carry hint, the first three characters of
		// the secret, and never secretText, which only addPassword returns
		// (https://learn.microsoft.com/en-us/graph/api/resources/passwordcredential).
		appID := keyOf(path, "applications(appId=")
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
			"@odata.context": ctx + "applications(id,appId,displayName,passwordCredentials)/$entity",
			"id":             a.ObjectID, "appId": a.AppID, "displayName": a.DisplayName, "passwordCredentials": creds,
		})
	case isGraphServicePrincipal(path):
		if permitted(permsApplication) {
			s.graphServicePrincipal(w, r, t)
		}
	case strings.HasPrefix(path, "servicePrincipals"):
		s.servicePrincipals(w, r, t, path, has(permsReadRoles), permitted)
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
			"@odata.context":    ctx + "users(id,userPrincipalName,displayName,accountEnabled)/$entity",
			"id":                u.ID,
			"userPrincipalName": u.UserPrincipalName, "displayName": u.DisplayName, "accountEnabled": u.AccountEnabled,
		})
	default:
		// Graph's answer to a path it does not know (wording observed).
		graphError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+path+"'.")
	}
}

// graphCaller is who calls Graph: the token is checked the way Graph
// checks it (signature and lifetime, or a reference token the server
// issued; the audience; the tenant), or Graph's 401 is answered.
type graphCaller struct {
	claims map[string]any
	tenant Tenant
	// permissions are what the token grants: an app-only token's roles
	// (application permissions), a signed-in user's scp (delegated
	// permissions, which Graph names the same way).
	permissions []string
	// delegated: the token is a signed-in user's; user is that user (nil
	// when the user no longer exists).
	delegated bool
	user      *User
}

// Graph refuses a token it cannot accept with 401
// InvalidAuthenticationToken (https://learn.microsoft.com/en-us/graph/errors;
// the messages as observed, the tenant's worded by the simulator).
func (s *Server) graphCaller(w http.ResponseWriter, r *http.Request) (graphCaller, bool) {
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "Bearer ") {
		graphError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty.")
		return graphCaller{}, false
	}
	s.mu.Lock()
	now := s.now()
	s.mu.Unlock()
	tok := strings.TrimPrefix(auth, "Bearer ")
	claims, ok := s.opaqueClaims(tok)
	if ok {
		if exp, _ := claims["exp"].(int64); exp < now.Unix() {
			graphError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
			return graphCaller{}, false
		}
	} else {
		var err error
		claims, err = verifyJWT(&s.key.PublicKey, tok, now)
		if err != nil {
			graphError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. "+err.Error())
			return graphCaller{}, false
		}
	}
	if aud, _ := claims["aud"].(string); !graphAudience(aud) {
		graphError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
		return graphCaller{}, false
	}
	tid, _ := claims["tid"].(string)
	t, ok := s.tenant(tid)
	if !ok {
		graphError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid tenant.")
		return graphCaller{}, false
	}
	c := graphCaller{claims: claims, tenant: t, permissions: stringsOf(claims["roles"])}
	if scp, _ := claims["scp"].(string); scp != "" {
		oid, _ := claims["oid"].(string)
		c.permissions, c.delegated = strings.Fields(scp), true
		c.user = t.user(oid)
	}
	return c, true
}

// servicePrincipals serves servicePrincipals/{id} and
// servicePrincipals(appId='{appId}'), alone or followed by
// /memberOf/microsoft.graph.directoryRole: a service principal "can be
// addressed by its id or appId"
// (https://learn.microsoft.com/en-us/graph/api/serviceprincipal-get).
func (s *Server) servicePrincipals(w http.ResponseWriter, r *http.Request, t Tenant, path string, readRoles bool, permitted func([]string) bool) {
	const memberOf = "/memberOf/microsoft.graph.directoryRole"
	rest, roles := strings.CutSuffix(path, memberOf)
	var a *App
	var key string
	switch {
	case strings.HasPrefix(rest, "servicePrincipals(appId="):
		key = keyOf(rest, "servicePrincipals(appId=")
		if a = t.app(key); a != nil && a.ServicePrincipalID == "" {
			a = nil
		}
	case strings.HasPrefix(rest, "servicePrincipals/"):
		key, _ = url.PathUnescape(strings.TrimPrefix(rest, "servicePrincipals/"))
		a = t.appBySP(key)
	default:
		graphError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+path+"'.")
		return
	}
	if !permitted(permsApplication) {
		return
	}
	if a == nil {
		resourceNotFound(w, r, key)
		return
	}
	ctx := s.ts.URL + "/v1.0/$metadata#"
	if !roles {
		writeJSON(w, http.StatusOK, map[string]any{
			"@odata.context": ctx + "servicePrincipals/$entity",
			"id":             a.ServicePrincipalID, "appId": a.AppID, "displayName": a.DisplayName, "accountEnabled": !a.Disabled,
		})
		return
	}
	vals := []any{}
	for _, id := range a.Roles {
		role := map[string]any{
			"@odata.type": "#microsoft.graph.directoryRole", "id": objectID(t.ID, id, "directoryRole"),
			"deletedDateTime": nil, "description": nil, "displayName": nil, "roleTemplateId": nil,
		}
		// Without a permission to read directoryRole objects, memberOf
		// returns them "with limited information … only the @odata.type
		// property for the object type and the id is returned, while other
		// properties are indicated as null"
		// (https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list-memberof).
		if readRoles {
			name := RoleNames[id]
			if name == "" {
				name = "Directory role " + id
			}
			role["displayName"], role["roleTemplateId"] = name, id
			role["description"] = "Can manage " + name + "."
		}
		vals = append(vals, role)
	}
	s.writeList(w, r, ctx+"directoryObjects", vals)
}

// keyOf reads the quoted key of an OData key segment such as
// applications(appId='…').
func keyOf(path, prefix string) string {
	k := strings.TrimSuffix(strings.TrimPrefix(path, prefix), ")")
	if u, err := url.PathUnescape(k); err == nil {
		k = u
	}
	return strings.Trim(k, "'")
}

// writeList answers one page of a Graph collection. Every list pages: a
// page holds Directory.PageSize items and links the next with
// @odata.nextLink, an absolute URL carrying a $skiptoken the client sends
// back as is (https://learn.microsoft.com/en-us/graph/paging).
func (s *Server) writeList(w http.ResponseWriter, r *http.Request, odataContext string, items []any) {
	s.mu.Lock()
	size := s.dir.PageSize
	s.mu.Unlock()
	if size <= 0 {
		size = 100
	}
	q := r.URL.Query()
	off := 0
	if tok := q.Get("$skiptoken"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), "sim:"))
		if err != nil || err2 != nil || n < 0 || n > len(items) {
			// A $skiptoken the server did not hand out (code and
			// wording as observed for directory lists).
			graphError(w, r, http.StatusBadRequest, "Directory_ExpiredPageToken", "The specified page token value has expired and can no longer be included in your request.")
			return
		}
		off = n
	}
	end := min(off+size, len(items))
	page := map[string]any{"@odata.context": odataContext, "value": append([]any{}, items[off:end]...)}
	if end < len(items) {
		q.Set("$skiptoken", base64.RawURLEncoding.EncodeToString([]byte("sim:"+strconv.Itoa(end))))
		page["@odata.nextLink"] = "https://" + r.Host + r.URL.Path + "?" + q.Encode()
	}
	writeJSON(w, http.StatusOK, page)
}

// objectID is a stable, GUID-shaped object id derived from its parts
// (directory role instances, subscriptions).
func objectID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// stringsOf reads a JSON array of strings (a decoded claim).
func stringsOf(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
