package entra_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entrasim"
)

// cacheRig is a rig whose validators share an HTTP cache directory.
func cacheRig(t testing.TB) *rig {
	t.Helper()
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	r.cfg.CacheDir = filepath.Join(t.TempDir(), "onboard")
	return r
}

// process is a new validator over the rig's cache directory: what a new
// onboard process is (its own MSAL clients, nothing in memory).
func (r *rig) process() *entra.Validator {
	r.t.Helper()
	v, err := entra.NewValidator(r.cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	return v
}

func mustStatus(t testing.TB, v *entra.Validator, c tenant.Credentials, want tenant.Status) *tenant.ValidationReport {
	t.Helper()
	rep := v.Validate(context.Background(), c, nil)
	if rep.Status != want {
		t.Fatalf("want %s, got %s", want, dump(rep))
	}
	return rep
}

// holdWaves makes the simulated directory hold each wave's requests until
// all of them are in flight: a validator that sent them one after another
// would stall (10 s at the directory, 5 s validation timeout).
func holdWaves(r *rig, graphCalls int) {
	r.srv.SetBarrier(entrasim.KindToken, 2)
	r.srv.SetGraphBarrier(graphCalls)
	r.cfg.Timeout = 5 * time.Second
}

// twoRoundTrips asserts what a known tenant costs with its metadata
// cached: no metadata request, both tokens in flight together, then one
// Graph wave (which needs the Graph token: the waves are serial) — two
// round trips.
func twoRoundTrips(t testing.TB, r *rig, graphCalls int) {
	t.Helper()
	counts(t, r, 0, 2, graphCalls)
	if got := r.srv.MaxInFlight(entrasim.KindToken); got != 2 {
		t.Errorf("token requests in flight together: %d, want 2", got)
	}
	if got := r.srv.MaxInFlight(entrasim.KindGraph); got != graphCalls {
		t.Errorf("Graph calls in flight together: %d, want %d", got, graphCalls)
	}
	if got := r.srv.Count(entrasim.KindOther); got != 0 {
		t.Errorf("%d other requests (instance discovery?), want none", got)
	}
}

// cacheFiles are the files under the cache directory, by path.
func cacheFiles(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files[p] = b
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return files
}

// TestKnownTenantInTwoRoundTrips: a second process validating a tenant
// the first one validated asks for no metadata — two round trips.
func TestKnownTenantInTwoRoundTrips(t *testing.T) {
	r := cacheRig(t)
	c := demoCreds(t, r.now, "Contoso")
	mustStatus(t, r.process(), c, tenant.StatusPass)
	counts(t, r, 1, 2, 4)
	if len(cacheFiles(t, r.cfg.CacheDir)) == 0 {
		t.Fatal("nothing was cached")
	}

	holdWaves(r, 4)
	r.srv.ResetCounts()
	mustStatus(t, r.process(), c, tenant.StatusPass)
	twoRoundTrips(t, r, 4)

	// The same tenant typed as a domain is another document (another
	// URL): fetched once, then known as well.
	byDomain := c
	byDomain.TenantID = "contoso.onmicrosoft.com"
	r.srv.ResetCounts()
	mustStatus(t, r.process(), byDomain, tenant.StatusPass)
	counts(t, r, 1, 2, 4)
	r.srv.ResetCounts()
	mustStatus(t, r.process(), byDomain, tenant.StatusPass)
	twoRoundTrips(t, r, 4)
	if strings.Contains(r.log.String(), "HTTP cache bypassed") {
		t.Errorf("a healthy cache was bypassed:\n%s", r.log)
	}
}

// TestNewSecretForKnownTenant: a new secret is a new MSAL client, which
// knows nothing of the tenant; the HTTP cache does, in the same process
// and in a new one.
func TestNewSecretForKnownTenant(t *testing.T) {
	r := cacheRig(t)
	c := demoCreds(t, r.now, "Contoso")
	v := r.process()
	mustStatus(t, v, c, tenant.StatusPass)

	const second = "Nw2~Second.Secret.Of.Contoso.App_0000"
	r.srv.Update(func(d *entrasim.Directory) {
		app := &tenantOf(d, "Contoso").Apps[0]
		s := app.Secrets[0]
		s.Value, s.KeyID = second, "5e5e5e5e-0000-4000-8000-000000000001"
		app.Secrets = append(app.Secrets, s)
	})
	renewed := c
	renewed.Secret = tenant.NewSecret(second)

	holdWaves(r, 4)
	r.srv.ResetCounts()
	mustStatus(t, v, renewed, tenant.StatusPass)
	twoRoundTrips(t, r, 4)

	r.srv.ResetCounts()
	mustStatus(t, r.process(), renewed, tenant.StatusPass)
	twoRoundTrips(t, r, 4)
}

// TestErrorsNeverCached: an answer to the metadata request that is not
// the document — an unknown tenant (90002), an invalid identifier
// (900023), throttling, a proxy's page, a document cut short — is never
// kept: the next process asks again and, once the directory answers
// properly, validates and keeps that answer.
func TestErrorsNeverCached(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fault  entrasim.Fault
		aadsts string
	}{
		{name: "90002", fault: entrasim.Fault{Kind: entrasim.KindMetadata, AADSTS: 90002}, aadsts: "AADSTS90002"},
		{name: "900023", fault: entrasim.Fault{Kind: entrasim.KindMetadata, AADSTS: 900023}, aadsts: "AADSTS900023"},
		{name: "503", fault: entrasim.Fault{Kind: entrasim.KindMetadata, Status: 503, RetryAfter: "0"}},
		{name: "proxy page", fault: entrasim.Fault{Kind: entrasim.KindMetadata, Body: "<html><body>Welcome to the hotel Wi-Fi</body></html>"}},
		{name: "cut short", fault: entrasim.Fault{Kind: entrasim.KindMetadata, Truncate: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := cacheRig(t)
			c := demoCreds(t, r.now, "Contoso")
			r.srv.AddFault(tc.fault)
			for i := 0; i < 2; i++ {
				rep := mustStatus(t, r.process(), c, tenant.StatusFail)
				if tc.aadsts != "" && rep.AADSTS != tc.aadsts {
					t.Errorf("AADSTS %q, want %s", rep.AADSTS, tc.aadsts)
				}
			}
			if got := r.srv.Count(entrasim.KindToken); got != 0 {
				t.Errorf("%d token requests after a failed metadata request", got)
			}
			r.srv.ClearFaults()
			r.srv.ResetCounts()
			mustStatus(t, r.process(), c, tenant.StatusPass)
			counts(t, r, 1, 2, 4)
			r.srv.ResetCounts()
			mustStatus(t, r.process(), c, tenant.StatusPass)
			counts(t, r, 0, 2, 4)
		})
	}
}

// TestUnknownTenantNeverCached: a tenant Entra ID does not know is asked
// about every time, and nothing is kept for it.
func TestUnknownTenantNeverCached(t *testing.T) {
	r := cacheRig(t)
	c := demoCreds(t, r.now, "Contoso")
	c.TenantID = "nowhere.onmicrosoft.com"
	for i := 1; i <= 3; i++ {
		before := r.srv.Count(entrasim.KindMetadata)
		rep := mustStatus(t, r.process(), c, tenant.StatusFail)
		if rep.AADSTS != "AADSTS90002" {
			t.Errorf("AADSTS %q, want AADSTS90002", rep.AADSTS)
		}
		// One request, or two: the Teams admin API token's resolution
		// may start after the Graph token's has failed (MSAL shares only
		// a resolution in flight).
		if got := r.srv.Count(entrasim.KindMetadata) - before; got < 1 {
			t.Errorf("validation %d was answered without asking Entra ID", i)
		}
	}
	if files := cacheFiles(t, r.cfg.CacheDir); len(files) != 0 {
		t.Errorf("an unknown tenant left %d files in the cache", len(files))
	}
}

// TestStaleEntryRevalidated: an entry past its max-age is not used as it
// is: the next process asks Entra ID again and keeps the new answer for
// as long as that one allows.
func TestStaleEntryRevalidated(t *testing.T) {
	r := cacheRig(t)
	c := demoCreds(t, r.now, "Contoso")
	r.srv.SetMetadataCacheControl("max-age=0, private") // stale as soon as it arrives
	mustStatus(t, r.process(), c, tenant.StatusPass)
	counts(t, r, 1, 2, 4)
	if len(cacheFiles(t, r.cfg.CacheDir)) == 0 {
		t.Fatal("the answer was not stored")
	}

	r.srv.SetMetadataCacheControl("") // a day, as Entra ID says
	r.srv.ResetCounts()
	mustStatus(t, r.process(), c, tenant.StatusPass)
	counts(t, r, 1, 2, 4) // the stale entry was revalidated

	r.srv.ResetCounts()
	mustStatus(t, r.process(), c, tenant.StatusPass)
	counts(t, r, 0, 2, 4) // the revalidated one is fresh for a day
}

// TestDamagedCacheOnlyCostsSpeed: a cache file damaged on disk (a flipped
// byte, cut short, emptied, replaced) changes nothing but the speed: the
// validation passes, the metadata is fetched again (one debug line says
// why) and the entry is rewritten.
func TestDamagedCacheOnlyCostsSpeed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func([]byte) []byte
	}{
		{"flipped byte", func(b []byte) []byte {
			b = bytes.Clone(b)
			b[len(b)-3] ^= 0x20
			return b
		}},
		{"cut short", func(b []byte) []byte { return b[:len(b)/2] }},
		{"emptied", func([]byte) []byte { return nil }},
		{"replaced", func([]byte) []byte { return []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := cacheRig(t)
			c := demoCreds(t, r.now, "Contoso")
			mustStatus(t, r.process(), c, tenant.StatusPass)
			files := cacheFiles(t, r.cfg.CacheDir)
			if len(files) == 0 {
				t.Fatal("nothing was cached")
			}
			for p, b := range files {
				if err := os.WriteFile(p, tc.damage(b), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			r.srv.ResetCounts()
			mustStatus(t, r.process(), c, tenant.StatusPass)
			counts(t, r, 1, 2, 4)
			if n := strings.Count(r.log.String(), "HTTP cache bypassed"); n != 1 {
				t.Errorf("%d debug lines about the cache, want 1:\n%s", n, r.log)
			}
			r.srv.ResetCounts()
			mustStatus(t, r.process(), c, tenant.StatusPass)
			counts(t, r, 0, 2, 4)
		})
	}
}

// TestNothingSecretCached: after passing and failing validations of every
// demo tenant, the cache holds the tenants' OpenID configurations and
// nothing else: no secret in any encoding, no token, no token request's
// client_secret field, no Graph answer.
func TestNothingSecretCached(t *testing.T) {
	r := cacheRig(t)
	var secrets []string
	for _, d := range entrasim.DemoTenants(r.now) {
		c := tenant.Credentials{TenantID: d.TenantID, ClientID: d.ClientID, Secret: tenant.NewSecret(d.Secret), AdminUPN: d.AdminUPN}
		secrets = append(secrets, d.Secret)
		r.process().Validate(context.Background(), c, nil)
		wrong := c
		wrong.Secret = tenant.NewSecret(entra.LeakySecret)
		r.process().Validate(context.Background(), wrong, nil)
	}
	secrets = append(secrets, entra.LeakySecret)
	files := cacheFiles(t, r.cfg.CacheDir)
	if len(files) == 0 {
		t.Fatal("nothing was cached")
	}
	var all bytes.Buffer
	for _, b := range files {
		all.Write(b)
	}
	text := all.String()
	for _, s := range secrets {
		if l := entra.Leaks(text, s); len(l) > 0 {
			t.Errorf("the cache holds secret %q as %v", s, l)
		}
	}
	// The OpenID configuration names the methods "client_secret_post" and
	// "client_secret_basic"; a token request's field is client_secret=…,
	// its JSON form "client_secret".
	for _, bad := range []string{"client_secret=", `"client_secret"`, "access_token", "eyJ", "simopaque_", "Bearer",
		"/oauth2/v2.0/token?", "verifiedDomains", "passwordCredentials", "skuPartNumber", "/v1.0/"} {
		if strings.Contains(text, bad) {
			t.Errorf("the cache holds %q", bad)
		}
	}
	if !strings.Contains(text, "token_endpoint") {
		t.Error("the cache does not hold the OpenID configuration")
	}
}

// TestClearCache: ClearCache empties the directory; the next process
// fetches the metadata again.
func TestClearCache(t *testing.T) {
	r := cacheRig(t)
	c := demoCreds(t, r.now, "Contoso")
	mustStatus(t, r.process(), c, tenant.StatusPass)
	want := len(cacheFiles(t, r.cfg.CacheDir))
	n, err := entra.ClearCache(r.cfg.CacheDir)
	if err != nil || n != want || want == 0 {
		t.Fatalf("ClearCache: %d files, %v; want %d", n, err, want)
	}
	if left := cacheFiles(t, r.cfg.CacheDir); len(left) != 0 {
		t.Errorf("%d files left", len(left))
	}
	r.srv.ResetCounts()
	mustStatus(t, r.process(), c, tenant.StatusPass)
	counts(t, r, 1, 2, 4)
	if n, err := entra.ClearCache(filepath.Join(t.TempDir(), "never-made")); n != 0 || err != nil {
		t.Errorf("ClearCache of a missing directory: %d, %v", n, err)
	}
}

// TestDefaultCacheDir: $XDG_CACHE_HOME/onboard when it is absolute, else
// ~/.cache/onboard.
func TestDefaultCacheDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, tc := range []struct{ xdg, want string }{
		{"/var/cache/me", "/var/cache/me/onboard"},
		{"relative/cache", filepath.Join(home, ".cache", "onboard")},
		{"", filepath.Join(home, ".cache", "onboard")},
	} {
		t.Setenv("XDG_CACHE_HOME", tc.xdg)
		if got, err := entra.DefaultCacheDir(); err != nil || got != tc.want {
			t.Errorf("XDG_CACHE_HOME=%q: %q, %v; want %q", tc.xdg, got, err, tc.want)
		}
	}
}
