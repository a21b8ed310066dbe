package entrasim

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func start(t *testing.T) *Server {
	t.Helper()
	d := Demo(testNow)
	d.Now = func() time.Time { return testNow }
	s, err := Start(d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func get(t *testing.T, s *Server, path, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, s, req)
}

func do(t *testing.T, s *Server, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Errorf("HTTP/%d, want HTTP/2", resp.ProtoMajor)
	}
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: not JSON: %q", req.URL.Path, b)
	}
	return resp.StatusCode, m
}

func token(t *testing.T, s *Server, tenant, client, secret string) (int, map[string]any) {
	t.Helper()
	return tokenFor(t, s, tenant, client, secret, GraphResourceURI)
}

func tokenFor(t *testing.T, s *Server, tenant, client, secret, resource string) (int, map[string]any) {
	t.Helper()
	f := url.Values{"grant_type": {"client_credentials"}, "client_id": {client}, "client_secret": {secret}, "scope": {resource + "/.default"}}
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/"+tenant+"/oauth2/v2.0/token", strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("client-request-id", "11111111-2222-4333-8444-555555555555")
	return do(t, s, req)
}

// checkEntraError asserts Entra ID's error body shape.
func checkEntraError(t *testing.T, m map[string]any, code string) {
	t.Helper()
	for _, k := range []string{"error", "error_description", "error_codes", "timestamp", "trace_id", "correlation_id", "error_uri"} {
		if _, ok := m[k]; !ok {
			t.Errorf("error body lacks %q: %v", k, m)
		}
	}
	if d, _ := m["error_description"].(string); !strings.HasPrefix(d, "AADSTS"+code+": ") || !strings.Contains(d, "Trace ID: ") {
		t.Errorf("error_description %q", d)
	}
	if c, _ := m["error_codes"].([]any); len(c) != 1 || c[0].(float64) == 0 {
		t.Errorf("error_codes %v", m["error_codes"])
	}
}

func TestMetadata(t *testing.T) {
	s := start(t)
	for _, ten := range []string{contosoTenant, "contoso.onmicrosoft.com", "CONTOSO.COM"} {
		st, m := get(t, s, "/"+ten+"/v2.0/.well-known/openid-configuration", "")
		if st != 200 || m["token_endpoint"] != s.URL()+"/"+contosoTenant+"/oauth2/v2.0/token" || m["issuer"] != s.URL()+"/"+contosoTenant+"/v2.0" || m["authorization_endpoint"] == nil {
			t.Errorf("%s: %d %v", ten, st, m)
		}
	}
	st, m := get(t, s, "/nowhere.onmicrosoft.com/v2.0/.well-known/openid-configuration", "")
	if st != 400 || m["error"] != "invalid_tenant" {
		t.Errorf("unknown tenant: %d %v", st, m)
	}
	checkEntraError(t, m, "90002")
	st, m = get(t, s, "/not_a_tenant/v2.0/.well-known/openid-configuration", "")
	if st != 400 {
		t.Errorf("invalid identifier: %d", st)
	}
	checkEntraError(t, m, "900023")
	if s.Count(KindMetadata) != 5 {
		t.Errorf("metadata count %d", s.Count(KindMetadata))
	}
}

func TestTokenClaimsAndSignature(t *testing.T) {
	s := start(t)
	st, m := token(t, s, "contoso.onmicrosoft.com", contosoApp, contosoSecret)
	if st != 200 || m["token_type"] != "Bearer" || m["expires_in"].(float64) != 3599 {
		t.Fatalf("%d %v", st, m)
	}
	at := m["access_token"].(string)
	_, keys := get(t, s, "/"+contosoTenant+"/discovery/v2.0/keys", "")
	k := keys["keys"].([]any)[0].(map[string]any)
	nb, _ := base64.RawURLEncoding.DecodeString(k["n"].(string))
	eb, _ := base64.RawURLEncoding.DecodeString(k["e"].(string))
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: int(new(big.Int).SetBytes(eb).Int64())}
	claims, err := verifyJWT(pub, at, testNow)
	if err != nil {
		t.Fatalf("token does not verify with the published key: %v", err)
	}
	want := map[string]any{"aud": GraphResourceURI, "iss": "https://sts.windows.net/" + contosoTenant + "/", "tid": contosoTenant,
		"appid": contosoApp, "appidacr": "1", "idtyp": "app", "oid": "b0" + contosoApp[2:], "sub": "b0" + contosoApp[2:], "ver": "1.0"}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claim %s = %v, want %v", k, claims[k], v)
		}
	}
	for _, k := range []string{"iat", "nbf", "exp"} {
		if _, ok := claims[k].(float64); !ok {
			t.Errorf("claim %s missing", k)
		}
	}
	if r, _ := claims["roles"].([]any); len(r) != 3 {
		t.Errorf("roles %v", claims["roles"])
	}
	if w := stringsOf(claims["wids"]); len(w) != 2 || w[0] != RoleTeamsAdministrator || w[1] != RoleDefaultAppToken {
		t.Errorf("wids %v, want the Teams Administrator template and %s", claims["wids"], RoleDefaultAppToken)
	}
	// A tampered token is refused by Graph.
	parts := strings.Split(at, ".")
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(`{"tid":"` + contosoTenant + `","roles":["Directory.ReadWrite.All"],"exp":9999999999}`))
	if st, m := get(t, s, "/v1.0/organization", strings.Join(parts, ".")); st != 401 || graphCode(m) != "InvalidAuthenticationToken" {
		t.Errorf("tampered token: %d %v", st, m)
	}
}

func TestRolesAbsentWithoutPermissions(t *testing.T) {
	s := start(t)
	s.Update(func(d *Directory) { d.lookupTenant(contosoTenant).Apps[0].Permissions = nil })
	_, m := token(t, s, contosoTenant, contosoApp, contosoSecret)
	raw, _ := base64.RawURLEncoding.DecodeString(strings.Split(m["access_token"].(string), ".")[1])
	if strings.Contains(string(raw), `"roles"`) {
		t.Errorf("roles claim present without permissions: %s", raw)
	}
}

func TestTokenErrors(t *testing.T) {
	s := start(t)
	cases := []struct {
		name, tenant, client, secret string
		status                       int
		code                         string
	}{
		{"unknown tenant", "nowhere.onmicrosoft.com", contosoApp, contosoSecret, 400, "90002"},
		{"unknown app", contosoTenant, fabrikamApp, contosoSecret, 400, "700016"},
		{"wrong secret", wingtipTenant, wingtipApp, wingtipWrong, 401, "7000215"},
		{"expired secret", tailspinTenant, tailspinApp, tailspinSecret, 401, "7000222"},
		{"disabled app", relecloudTenant, relecloudApp, relecloudSecret, 400, "7000112"},
		{"conditional access", proseTenant, proseApp, proseSecret, 400, "53003"},
		{"no service principal", woodgroveTenant, woodgroveApp, woodgroveSecret, 401, "7000229"},
	}
	for _, c := range cases {
		st, m := token(t, s, c.tenant, c.client, c.secret)
		if st != c.status {
			t.Errorf("%s: HTTP %d, want %d", c.name, st, c.status)
		}
		checkEntraError(t, m, c.code)
		// Entra ID never echoes the secret it was sent; neither may its double.
		if b, _ := json.Marshal(m); strings.Contains(string(b), c.secret) {
			t.Errorf("%s: the error body repeats the client secret: %s", c.name, b)
		}
		if m["correlation_id"] != "11111111-2222-4333-8444-555555555555" {
			t.Errorf("%s: correlation_id does not echo client-request-id: %v", c.name, m["correlation_id"])
		}
	}
}

func graphCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	if _, ok := e["innerError"].(map[string]any); !ok {
		return "no innerError"
	}
	return c
}

func TestGraph(t *testing.T) {
	s := start(t)
	_, m := token(t, s, adatumTenant, adatumApp, adatumSecret)
	at := m["access_token"].(string)
	st, org := get(t, s, "/v1.0/organization?$select=id,displayName,verifiedDomains", at)
	v := org["value"].([]any)[0].(map[string]any)
	if st != 200 || v["displayName"] != "Adatum Corporation" || len(v["verifiedDomains"].([]any)) != 3 {
		t.Errorf("organization: %d %v", st, org)
	}
	// Adatum lacks Application.Read.All.
	if st, m := get(t, s, "/v1.0/applications(appId='"+adatumApp+"')", at); st != 403 || graphCode(m) != "Authorization_RequestDenied" {
		t.Errorf("applications without permission: %d %v", st, m)
	}
	if st, m := get(t, s, "/v1.0/servicePrincipals/b0"+adatumApp[2:]+"/memberOf/microsoft.graph.directoryRole", at); st != 403 || graphCode(m) != "Authorization_RequestDenied" {
		t.Errorf("memberOf without permission: %d %v", st, m)
	}
	if st, m := get(t, s, "/v1.0/users/nobody@adatum.com", at); st != 404 || graphCode(m) != "Request_ResourceNotFound" {
		t.Errorf("unknown user: %d %v", st, m)
	}

	_, m = token(t, s, contosoTenant, contosoApp, contosoSecret)
	at = m["access_token"].(string)
	st, app := get(t, s, "/v1.0/applications(appId='"+contosoApp+"')?$select=id,appId,displayName,passwordCredentials", at)
	pc := app["passwordCredentials"].([]any)[0].(map[string]any)
	if st != 200 || pc["hint"] != "Xq8" || pc["secretText"] != nil || pc["endDateTime"] == nil || pc["keyId"] == "" {
		t.Errorf("application: %d %v", st, app)
	}
	// Contoso's app lacks RoleManagement.Read.Directory: its roles come
	// back with only @odata.type and id.
	st, roles := get(t, s, "/v1.0/servicePrincipals/b0"+contosoApp[2:]+"/memberOf/microsoft.graph.directoryRole?$select=displayName,roleTemplateId", at)
	r := roles["value"].([]any)[0].(map[string]any)
	if st != 200 || r["@odata.type"] != "#microsoft.graph.directoryRole" || r["id"] == nil || r["id"] == RoleTeamsAdministrator ||
		r["roleTemplateId"] != nil || r["displayName"] != nil {
		t.Errorf("roles without RoleManagement.Read.Directory: %d %v", st, roles)
	}
	st, u := get(t, s, "/v1.0/users/admin%40contoso.com?$select=id,userPrincipalName,displayName,accountEnabled", at)
	if st != 200 || u["accountEnabled"] != true || u["userPrincipalName"] != "admin@contoso.com" {
		t.Errorf("user: %d %v", st, u)
	}
	if st, m := get(t, s, "/v1.0/organization", ""); st != 401 || graphCode(m) != "InvalidAuthenticationToken" {
		t.Errorf("no token: %d %v", st, m)
	}
	if c := s.Count(KindGraph); c != 8 {
		t.Errorf("graph count %d", c)
	}

	// With RoleManagement.Read.Directory the names and template IDs are there,
	// by object id and by appId.
	s.Update(func(d *Directory) {
		a := &d.lookupTenant(contosoTenant).Apps[0]
		a.Permissions = append(a.Permissions, "RoleManagement.Read.Directory")
	})
	_, m = token(t, s, contosoTenant, contosoApp, contosoSecret)
	at = m["access_token"].(string)
	for _, p := range []string{"/v1.0/servicePrincipals/b0" + contosoApp[2:], "/v1.0/servicePrincipals(appId='" + contosoApp + "')"} {
		st, roles = get(t, s, p+"/memberOf/microsoft.graph.directoryRole", at)
		r = roles["value"].([]any)[0].(map[string]any)
		if st != 200 || r["roleTemplateId"] != RoleTeamsAdministrator || r["displayName"] != "Teams Administrator" {
			t.Errorf("%s with RoleManagement.Read.Directory: %d %v", p, st, roles)
		}
	}
	if st, sp := get(t, s, "/v1.0/servicePrincipals(appId='"+contosoApp+"')", at); st != 200 || sp["id"] != "b0"+contosoApp[2:] {
		t.Errorf("servicePrincipals(appId=): %d %v", st, sp)
	}
}

// TestResources: Graph's resource by URI or app ID, the Teams admin API,
// an unknown resource (AADSTS500011), and Graph refusing a token whose
// audience is not Graph, wherever the server runs.
func TestResources(t *testing.T) {
	s := start(t)
	for _, res := range []string{GraphResourceURI, ResourceGraph, ResourceTeamsAdminAPI, TeamsAdminAPIResourceURI} {
		if st, m := tokenFor(t, s, contosoTenant, contosoApp, contosoSecret, res); st != 200 {
			t.Errorf("%s: %d %v", res, st, m)
		}
	}
	for _, res := range []string{s.GraphURL(), "https://graph.microsoft.us", "api://unknown"} {
		st, m := tokenFor(t, s, contosoTenant, contosoApp, contosoSecret, res)
		if st != 400 || m["error"] != "invalid_resource" {
			t.Errorf("%s: %d %v", res, st, m)
		}
		checkEntraError(t, m, "500011")
	}
	_, m := tokenFor(t, s, contosoTenant, contosoApp, contosoSecret, ResourceTeamsAdminAPI)
	teams := m["access_token"].(string)
	raw, _ := base64.RawURLEncoding.DecodeString(strings.Split(teams, ".")[1])
	if strings.Contains(string(raw), `"roles"`) || !strings.Contains(string(raw), RoleDefaultAppToken) {
		t.Errorf("Teams admin API token: no Graph permissions, wids present: %s", raw)
	}
	if st, g := get(t, s, "/v1.0/organization", teams); st != 401 || graphCode(g) != "InvalidAuthenticationToken" {
		t.Errorf("Graph took a token for the Teams admin API: %d %v", st, g)
	}
}

// TestPerResourceBlocks: Conditional Access on the Teams admin API only,
// the Teams admin API's service principal missing, and an App
// registration without a service principal.
func TestPerResourceBlocks(t *testing.T) {
	s := start(t)
	s.Update(func(d *Directory) {
		d.lookupTenant(contosoTenant).BlockedResources = []string{ResourceTeamsAdminAPI}
		d.lookupTenant(fabrikamTenant).MissingResources = []string{ResourceTeamsAdminAPI}
		d.lookupTenant(northwindTenant).Apps[0].ServicePrincipalID = ""
	})
	cases := []struct {
		tenant, client, secret, resource string
		status                           int
		code                             string
	}{
		{contosoTenant, contosoApp, contosoSecret, GraphResourceURI, 200, ""},
		{contosoTenant, contosoApp, contosoSecret, ResourceTeamsAdminAPI, 400, "53003"},
		{fabrikamTenant, fabrikamApp, fabrikamSecret, GraphResourceURI, 200, ""},
		{fabrikamTenant, fabrikamApp, fabrikamSecret, ResourceTeamsAdminAPI, 400, "500011"},
		{northwindTenant, northwindApp, northwindSecret, GraphResourceURI, 401, "7000229"},
		{northwindTenant, northwindApp, "Nw1" + strings.Repeat("x", 37), GraphResourceURI, 401, "7000215"},
	}
	for _, c := range cases {
		st, m := tokenFor(t, s, c.tenant, c.client, c.secret, c.resource)
		if st != c.status {
			t.Errorf("%s %s: HTTP %d, want %d: %v", c.tenant, c.resource, st, c.status, m)
		}
		if c.code != "" {
			checkEntraError(t, m, c.code)
		}
	}
}

// TestListsPage: every list the validator reads pages with
// @odata.nextLink on the server's own host; following the links yields
// every item once.
func TestListsPage(t *testing.T) {
	d := Demo(testNow)
	d.Now = func() time.Time { return testNow }
	d.PageSize = 1
	a := &d.lookupTenant(contosoTenant).Apps[0]
	a.Roles = []string{RoleTeamsAdministrator, RoleGlobalReader, RoleSkypeForBusinessAdministrator}
	a.Permissions = append(a.Permissions, "Directory.Read.All")
	d.lookupTenant(contosoTenant).SKUs = []SKU{SKUMicrosoft365E5(5, 1), SKUOffice365E3(5, 1), SKUTeamsPhoneStandard(3, 3)}
	s, err := Start(d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	_, m := token(t, s, contosoTenant, contosoApp, contosoSecret)
	at := m["access_token"].(string)
	for path, want := range map[string]int{
		"/v1.0/subscribedSkus": 3,
		"/v1.0/servicePrincipals/b0" + contosoApp[2:] + "/memberOf/microsoft.graph.directoryRole": 3,
		"/v1.0/organization": 1,
		"/v1.0/domains":      3,
	} {
		var items []any
		next := path
		for pages := 0; next != ""; pages++ {
			if pages > 5 {
				t.Fatalf("%s: runaway paging", path)
			}
			st, page := get(t, s, strings.TrimPrefix(next, s.URL()), at)
			if st != 200 {
				t.Fatalf("%s: %d %v", next, st, page)
			}
			items = append(items, page["value"].([]any)...)
			next, _ = page["@odata.nextLink"].(string)
			if next != "" && !strings.HasPrefix(next, s.URL()+"/v1.0/") {
				t.Fatalf("nextLink on another host: %s", next)
			}
		}
		if len(items) != want {
			t.Errorf("%s: %d items over the pages, want %d", path, len(items), want)
		}
	}
	st, skus := get(t, s, "/v1.0/subscribedSkus", at)
	k := skus["value"].([]any)[0].(map[string]any)
	pu := k["prepaidUnits"].(map[string]any)
	plans := k["servicePlans"].([]any)
	if st != 200 || k["skuPartNumber"] != "SPE_E5" || pu["enabled"].(float64) != 5 || k["consumedUnits"].(float64) != 1 ||
		plans[len(plans)-1].(map[string]any)["servicePlanId"] != PlanTeamsPhone {
		t.Errorf("subscribedSkus: %d %v", st, skus)
	}
	if st, m := get(t, s, "/v1.0/subscribedSkus?$skiptoken=bogus", at); st != 400 {
		t.Errorf("bad skiptoken: %d %v", st, m)
	}
}

// TestDomainsAndOpaqueTokens: an unverified domain is in /domains only
// and cannot address the tenant; a tenant with opaque tokens gets
// non-JWT tokens that Graph accepts.
func TestDomainsAndOpaqueTokens(t *testing.T) {
	s := start(t)
	s.Update(func(d *Directory) {
		ten := d.lookupTenant(contosoTenant)
		ten.Domains = append(ten.Domains, Domain{Name: "pending.contoso.com", Unverified: true})
		ten.OpaqueTokens = true
		ten.Apps[0].Permissions = append(ten.Apps[0].Permissions, "Domain.Read.All")
	})
	st, m := token(t, s, contosoTenant, contosoApp, contosoSecret)
	at, _ := m["access_token"].(string)
	if st != 200 || at == "" || strings.Count(at, ".") == 2 {
		t.Fatalf("opaque token: %d %q", st, at)
	}
	_, org := get(t, s, "/v1.0/organization", at)
	for _, d := range org["value"].([]any)[0].(map[string]any)["verifiedDomains"].([]any) {
		if d.(map[string]any)["name"] == "pending.contoso.com" {
			t.Error("an unverified domain is listed among verifiedDomains")
		}
	}
	_, doms := get(t, s, "/v1.0/domains", at)
	found := false
	for _, d := range doms["value"].([]any) {
		if dm := d.(map[string]any); dm["id"] == "pending.contoso.com" {
			found = dm["isVerified"] == false
		}
	}
	if !found {
		t.Errorf("/domains lacks the unverified domain: %v", doms)
	}
	if st, _ := tokenFor(t, s, "pending.contoso.com", contosoApp, contosoSecret, GraphResourceURI); st != 400 {
		t.Errorf("an unverified domain addressed the tenant: %d", st)
	}
}

func TestFaults(t *testing.T) {
	s := start(t)
	s.AddFault(Fault{Kind: KindGraph, Status: 429, RetryAfter: "2", Times: 1})
	s.AddFault(Fault{Kind: KindMetadata, Status: 503, Times: 1})
	_, m := token(t, s, contosoTenant, contosoApp, contosoSecret)
	at := m["access_token"].(string)
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/v1.0/organization", nil)
	req.Header.Set("Authorization", "Bearer "+at)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("429 fault: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if st, _ := get(t, s, "/v1.0/organization", at); st != 200 {
		t.Errorf("fault should hit once; second answer %d", st)
	}
	st, em := get(t, s, "/"+contosoTenant+"/v2.0/.well-known/openid-configuration", "")
	if st != 503 {
		t.Errorf("503 fault: %d", st)
	}
	checkEntraError(t, em, "90033")

	// A client-credentials request throttled: 429, Retry-After: 60 and
	// no JSON; a device-code poll throttled: AADSTS50196.
	s.AddFault(Fault{Kind: KindToken, Status: 429, Times: 2})
	f := url.Values{"grant_type": {"client_credentials"}, "client_id": {contosoApp}, "client_secret": {contosoSecret}, "scope": {GraphResourceURI + "/.default"}}
	resp, err = s.Client().PostForm(s.URL()+"/"+contosoTenant+"/oauth2/v2.0/token", f)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "60" || string(b) != "Too Many Requests" {
		t.Errorf("throttled token request: %d %q %q", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	poll := url.Values{"grant_type": {"device_code"}, "client_id": {GraphCommandLineTools}, "device_code": {"x"}}
	req, _ = http.NewRequest(http.MethodPost, s.URL()+"/"+contosoTenant+"/oauth2/v2.0/token", strings.NewReader(poll.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if st, m := do(t, s, req); st != 429 || m["error"] != "invalid_grant" {
		t.Errorf("throttled device-code poll: %d %v", st, m)
	} else {
		checkEntraError(t, m, "50196")
	}
	s.ClearFaults()
	s.AddFault(Fault{Kind: KindMetadata, Truncate: true})
	resp, err = s.Client().Get(s.URL() + "/" + contosoTenant + "/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if json.Valid(b) || len(b) == 0 {
		t.Errorf("truncated answer is valid JSON: %q", b)
	}
}

func TestCertPEM(t *testing.T) {
	s := start(t)
	blk, _ := pem.Decode(s.CertPEM())
	if blk == nil {
		t.Fatal("no PEM block")
	}
	if _, err := x509.ParseCertificate(blk.Bytes); err != nil {
		t.Fatal(err)
	}
}

func TestDemoTenantsMatchDemo(t *testing.T) {
	d := Demo(testNow)
	labels := map[string]bool{}
	for _, dt := range DemoTenants(testNow) {
		if labels[dt.Label] || dt.Outcome == "" || dt.ClientID == "" {
			t.Errorf("demo tenant %+v", dt)
		}
		labels[dt.Label] = true
		if len(dt.Secret) != 40 || !strings.Contains(dt.Secret, "8Q~") {
			t.Errorf("%s: secret does not look like an Entra secret value", dt.Label)
		}
		ten := d.lookupTenant(dt.TenantID)
		if strings.Contains(dt.Label, "unknown tenant") {
			if ten != nil {
				t.Errorf("%s: tenant exists", dt.Label)
			}
			continue
		}
		if ten == nil || ten.app(dt.ClientID) == nil {
			t.Errorf("%s: tenant or app missing", dt.Label)
			continue
		}
		matched := false
		for _, sec := range ten.app(dt.ClientID).Secrets {
			matched = matched || sec.Value == dt.Secret
		}
		if matched == strings.Contains(dt.Label, "wrong secret") {
			t.Errorf("%s: secret match %v", dt.Label, matched)
		}
		if dt.AdminUPN != "" && ten.user(dt.AdminUPN) == nil && !strings.Contains(dt.Outcome, "admin") && !strings.Contains(dt.Label, "missing role") {
			t.Errorf("%s: admin %s missing", dt.Label, dt.AdminUPN)
		}
	}
	if len(labels) < 7 {
		t.Errorf("only %d demo outcomes", len(labels))
	}
}

// lookupTenant finds a tenant by GUID or by any verified domain, ignoring
// case, in a directory the server does not hold (the server uses its index).
func (d *Directory) lookupTenant(idOrDomain string) *Tenant {
	k := strings.ToLower(idOrDomain)
	for i := range d.Tenants {
		t := &d.Tenants[i]
		if strings.ToLower(t.ID) == k {
			return t
		}
		for _, dom := range t.Domains {
			if strings.ToLower(dom.Name) == k {
				return t
			}
		}
	}
	return nil
}
