package entrasim

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// The scopes onboard asks for when an admin signs in to create an App
// registration, as MSAL sends them (with the OpenID scopes it adds).
const adminScopes = "https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All https://graph.microsoft.com/RoleManagement.ReadWrite.Directory openid offline_access profile"

// startManual is the demo directory with no sign-in completing by itself:
// the tests sign in, decline or expire the codes.
func startManual(t *testing.T) *Server {
	s := start(t)
	s.Update(func(d *Directory) {
		for i := range d.Tenants {
			d.Tenants[i].DeviceSignIn = nil
		}
	})
	return s
}

func postForm(t *testing.T, s *Server, path string, f url.Values) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+path, strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, s, req)
}

// deviceCodeFor asks for a device code in tenant with the admin scopes.
func deviceCodeFor(t *testing.T, s *Server, tenant string) map[string]any {
	t.Helper()
	st, m := postForm(t, s, "/"+tenant+"/oauth2/v2.0/devicecode", url.Values{"client_id": {GraphCommandLineTools}, "scope": {adminScopes}})
	if st != 200 {
		t.Fatalf("devicecode: %d %v", st, m)
	}
	return m
}

// poll redeems a device code once, with the grant type MSAL Go sends.
func poll(t *testing.T, s *Server, tenant string, dc map[string]any) (int, map[string]any) {
	t.Helper()
	return postForm(t, s, "/"+tenant+"/oauth2/v2.0/token", url.Values{"grant_type": {"device_code"}, "client_id": {GraphCommandLineTools},
		"device_code": {dc["device_code"].(string)}, "client_info": {"1"}, "scope": {adminScopes}})
}

func claimsOf(t *testing.T, jwt string) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(jwt, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// signInAs signs upn in with a device code and returns the delegated
// Graph token.
func signInAs(t *testing.T, s *Server, tenant, upn string) string {
	t.Helper()
	dc := deviceCodeFor(t, s, tenant)
	if err := s.SignIn(dc["user_code"].(string), upn); err != nil {
		t.Fatal(err)
	}
	st, m := poll(t, s, tenant, dc)
	if st != 200 {
		t.Fatalf("sign in as %s: %d %v", upn, st, m)
	}
	return m["access_token"].(string)
}

func TestDeviceCodeSignIn(t *testing.T) {
	s := startManual(t)
	dc := deviceCodeFor(t, s, "tailwindtraders.onmicrosoft.com")
	code, _ := dc["user_code"].(string)
	if len(code) != 9 || strings.ToUpper(code) != code || dc["verification_uri"] != VerificationURL || dc["expires_in"].(float64) != 900 ||
		dc["interval"].(float64) != 5 || !strings.Contains(dc["message"].(string), code) || len(dc["device_code"].(string)) < 100 {
		t.Fatalf("device authorization response %v", dc)
	}
	if w := s.WaitingSignIns(); len(w) != 1 || w[0] != code {
		t.Errorf("waiting sign-ins %v", w)
	}
	st, m := poll(t, s, "tailwindtraders.onmicrosoft.com", dc)
	if st != 400 || m["error"] != "authorization_pending" {
		t.Fatalf("before the sign-in: %d %v", st, m)
	}
	checkEntraError(t, m, "70016")
	if err := s.SignIn(code, "nobody@tailwindtraders.com"); err == nil {
		t.Error("a user the tenant does not have signed in")
	}
	if err := s.SignIn(code, "admin@tailwindtraders.com"); err != nil {
		t.Fatal(err)
	}
	st, m = poll(t, s, "tailwindtraders.onmicrosoft.com", dc)
	if st != 200 || m["token_type"] != "Bearer" || m["refresh_token"] == nil {
		t.Fatalf("after the sign-in: %d %v", st, m)
	}
	if sc := m["scope"].(string); strings.Contains(sc, "offline_access") || !strings.Contains(sc, "https://graph.microsoft.com/RoleManagement.ReadWrite.Directory") {
		t.Errorf("scope %q", sc)
	}
	id := claimsOf(t, m["id_token"].(string))
	if id["preferred_username"] != "admin@tailwindtraders.com" || id["tid"] != tailwindTenant || id["aud"] != GraphCommandLineTools {
		t.Errorf("id token %v", id)
	}
	info, _ := base64.RawURLEncoding.DecodeString(m["client_info"].(string))
	if !strings.Contains(string(info), `"utid":"`+tailwindTenant+`"`) {
		t.Errorf("client_info %s", info)
	}
	at := claimsOf(t, m["access_token"].(string))
	if at["idtyp"] != "user" || at["appidacr"] != "0" || at["upn"] != "admin@tailwindtraders.com" || at["aud"] != GraphResourceURI ||
		at["scp"] != "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All RoleManagement.ReadWrite.Directory" ||
		!slices.Contains(stringsOf(at["wids"]), RoleGlobalAdministrator) || at["roles"] != nil {
		t.Errorf("delegated access token %v", at)
	}
	// A device code is redeemed once.
	if st, m := poll(t, s, "tailwindtraders.onmicrosoft.com", dc); st != 400 || m["error"] != "bad_verification_code" {
		t.Errorf("second redemption: %d %v", st, m)
	}
	if len(s.WaitingSignIns()) != 0 || s.Count(KindDeviceCode) != 1 || s.Count(KindToken) != 3 {
		t.Errorf("waiting %v, counts %v", s.WaitingSignIns(), s.Counts())
	}
}

func TestDeviceCodeRefusals(t *testing.T) {
	s := startManual(t)
	const tw = "tailwindtraders.onmicrosoft.com"
	declined := deviceCodeFor(t, s, tw)
	expired := deviceCodeFor(t, s, tw)
	if err := s.Decline(declined["user_code"].(string)); err != nil {
		t.Fatal(err)
	}
	s.ExpireDeviceCodes()
	if st, m := poll(t, s, tw, declined); st != 400 || m["error"] != "authorization_declined" {
		t.Errorf("declined: %d %v", st, m)
	}
	st, m := poll(t, s, tw, expired)
	if st != 400 || m["error"] != "expired_token" {
		t.Errorf("expired: %d %v", st, m)
	}
	checkEntraError(t, m, "70019")
	if err := s.SignIn(expired["user_code"].(string), "admin@tailwindtraders.com"); err == nil {
		t.Error("an expired code was signed in with")
	}
	cases := []struct {
		name, tenant string
		form         url.Values
		code         string
	}{
		{"unknown public client", tw, url.Values{"client_id": {"11111111-2222-4333-8444-555555555555"}, "scope": {adminScopes}}, "700016"},
		{"another resource", tw, url.Values{"client_id": {GraphCommandLineTools}, "scope": {"https://management.azure.com/user_impersonation"}}, "70011"},
		{"no scope", tw, url.Values{"client_id": {GraphCommandLineTools}}, "900144"},
		{"unknown tenant", "nowhere.onmicrosoft.com", url.Values{"client_id": {GraphCommandLineTools}, "scope": {adminScopes}}, "90002"},
	}
	for _, c := range cases {
		st, m := postForm(t, s, "/"+c.tenant+"/oauth2/v2.0/devicecode", c.form)
		if st != 400 {
			t.Errorf("%s: %d %v", c.name, st, m)
		}
		checkEntraError(t, m, c.code)
	}
	// The tenant's own app may sign users in too.
	if st, m := postForm(t, s, "/"+contosoTenant+"/oauth2/v2.0/devicecode", url.Values{"client_id": {contosoApp}, "scope": {"User.Read openid"}}); st != 200 {
		t.Errorf("the tenant's own app: %d %v", st, m)
	}
}

// A tenant's DeviceSignIn signs in (or declines) by itself: the demo.
func TestDeviceSignInByItself(t *testing.T) {
	s := start(t)
	s.Update(func(d *Directory) {
		d.lookupTenant(tailwindTenant).DeviceSignIn = &DeviceSignIn{UPN: "admin@tailwindtraders.com"}
		d.lookupTenant(wideWorldTenant).DeviceSignIn = &DeviceSignIn{UPN: "admin@wideworldimporters.com", Decline: true}
	})
	if st, m := poll(t, s, tailwindTenant, deviceCodeFor(t, s, tailwindTenant)); st != 200 {
		t.Errorf("by itself: %d %v", st, m)
	}
	if st, m := poll(t, s, wideWorldTenant, deviceCodeFor(t, s, wideWorldTenant)); st != 400 || m["error"] != "authorization_declined" {
		t.Errorf("declined by itself: %d %v", st, m)
	}
}
