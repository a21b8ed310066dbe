package entrasim

import (
	"net/http"
	"testing"
)

// TestMetadataCacheControl: the tenant's OpenID configuration carries
// Entra's Cache-Control (a private cache may keep it a day); its errors,
// tokens and Graph answers are never to be stored; and every metadata
// request is counted.
func TestMetadataCacheControl(t *testing.T) {
	s := start(t)
	cc := func(path string) (int, string) {
		t.Helper()
		resp, err := s.Client().Get(s.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Cache-Control")
	}
	if st, got := cc("/" + contosoTenant + "/v2.0/.well-known/openid-configuration"); st != 200 || got != "max-age=86400, private" {
		t.Errorf("metadata: %d Cache-Control %q", st, got)
	}
	for _, p := range []string{
		"/nowhere.onmicrosoft.com/v2.0/.well-known/openid-configuration", // 90002
		"/not_a_tenant/v2.0/.well-known/openid-configuration",            // 900023
		"/v1.0/organization", // 401 without a token
	} {
		if st, got := cc(p); st == 200 || got != "no-store, no-cache" {
			t.Errorf("%s: %d Cache-Control %q, want an error with no-store", p, st, got)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/"+contosoTenant+"/oauth2/v2.0/token", nil)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Cache-Control"); got != "no-store, no-cache" {
		t.Errorf("token endpoint: Cache-Control %q", got)
	}
	if st, m := token(t, s, contosoTenant, contosoApp, contosoSecret); st != 200 || m["access_token"] == nil {
		t.Fatalf("token: %d %v", st, m)
	}

	s.SetMetadataCacheControl("max-age=0, private")
	if _, got := cc("/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration"); got != "max-age=0, private" {
		t.Errorf("after SetMetadataCacheControl: %q", got)
	}
	s.SetMetadataCacheControl("")
	if _, got := cc("/" + contosoTenant + "/v2.0/.well-known/openid-configuration"); got != MetadataCacheControl {
		t.Errorf("after SetMetadataCacheControl(\"\"): %q", got)
	}
	if got := s.Count(KindMetadata); got != 5 {
		t.Errorf("metadata requests counted: %d, want 5", got)
	}
}
