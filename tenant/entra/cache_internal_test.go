package entra

import (
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// everythingCacheable answers every request 200 with a JSON body and a
// day's max-age, and counts what reaches it: the worst directory (or
// proxy) for a cache to sit in front of.
type everythingCacheable struct {
	mu   sync.Mutex
	seen map[string]int
}

func (u *everythingCacheable) RoundTrip(req *http.Request) (*http.Response, error) {
	u.mu.Lock()
	u.seen[req.Method+" "+req.URL.Path]++
	u.mu.Unlock()
	body := `{"token_endpoint":"https://login.example/t/oauth2/v2.0/token","answer":"` + req.URL.Path + `"}`
	if strings.HasSuffix(req.URL.Path, "/token") {
		body = `{"access_token":"eyJ.token.sig","token_type":"Bearer"}`
	}
	return &http.Response{
		StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Request: req,
		Header: http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"max-age=86400, public"}},
		Body:   io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)),
	}, nil
}

// TestOnlyMetadataReachesTheCache: even when every answer says it may be
// kept, only the GETs for an OpenID configuration go through the cache; a
// token request (its secret in the body) and a Graph call (a bearer
// token) always reach the network and leave nothing on disk.
func TestOnlyMetadataReachesTheCache(t *testing.T) {
	up := &everythingCacheable{seen: map[string]int{}}
	dir := filepath.Join(t.TempDir(), "onboard")
	client := &http.Client{Transport: newCacheTransport(dir, up, nil)}
	const secret = "Qq8~Internal.Cache.Test.Secret_0001"
	send := func() {
		reqs := []*http.Request{}
		r, _ := http.NewRequest(http.MethodGet, "https://login.example/contoso.com/v2.0/.well-known/openid-configuration?", nil)
		reqs = append(reqs, r)
		r, _ = http.NewRequest(http.MethodPost, "https://login.example/contoso.com/oauth2/v2.0/token",
			strings.NewReader("grant_type=client_credentials&client_secret="+secret))
		reqs = append(reqs, r)
		r, _ = http.NewRequest(http.MethodGet, "https://graph.example/v1.0/organization", nil)
		r.Header.Set("Authorization", "Bearer eyJ.token.sig")
		reqs = append(reqs, r)
		r, _ = http.NewRequest(http.MethodGet, "https://login.example/contoso.com/v2.0/.well-known/openid-configuration?", nil)
		r.Header.Set("Authorization", "Bearer eyJ.token.sig")
		reqs = append(reqs, r)
		for _, r := range reqs {
			resp, err := client.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	send()
	send()
	want := map[string]int{
		"GET /contoso.com/v2.0/.well-known/openid-configuration": 1 + 2, // once, then only with credentials
		"POST /contoso.com/oauth2/v2.0/token":                    2,
		"GET /v1.0/organization":                                 2,
	}
	for k, n := range want {
		if up.seen[k] != n {
			t.Errorf("%s reached the network %d times, want %d (all: %v)", k, up.seen[k], n, up.seen)
		}
	}
	var all bytes.Buffer
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			all.Write(b)
		}
		return nil
	})
	if !strings.Contains(all.String(), "token_endpoint") {
		t.Error("the OpenID configuration was not cached")
	}
	for _, bad := range []string{secret, "client_secret", "eyJ", "access_token", "/v1.0/organization"} {
		if strings.Contains(all.String(), bad) {
			t.Errorf("the cache holds %q", bad)
		}
	}
}

func TestCacheable(t *testing.T) {
	for _, tc := range []struct {
		method, url, auth, body string
		want                    bool
	}{
		{"GET", "https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration?", "", "", true},
		{"GET", "https://login.microsoftonline.com/common/discovery/instance?api-version=1.1", "", "", true},
		{"HEAD", "https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration", "", "", false},
		{"POST", "https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration", "", "x=1", false},
		{"GET", "https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration", "Bearer x", "", false},
		{"POST", "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token", "", "client_secret=x", false},
		{"GET", "https://graph.microsoft.com/v1.0/organization", "Bearer x", "", false},
		{"GET", "https://graph.microsoft.com/v1.0/organization", "", "", false},
		{"GET", "https://login.microsoftonline.com/contoso.com/discovery/v2.0/keys", "", "", false},
	} {
		var body io.Reader
		if tc.body != "" {
			body = strings.NewReader(tc.body)
		}
		req, _ := http.NewRequest(tc.method, tc.url, body)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		if got := cacheable(req); got != tc.want {
			t.Errorf("%s %s (auth %q, body %q): cacheable %v, want %v", tc.method, tc.url, tc.auth, tc.body, got, tc.want)
		}
	}
}

// TestCacheWrapsOnce: the cache sits over the retry policy, once; a
// validator given another caching validator's client keeps its own
// cache directory and does not stack a second cache or retry policy.
func TestCacheWrapsOnce(t *testing.T) {
	a, err := NewValidator(Config{CacheDir: filepath.Join(t.TempDir(), "a")})
	if err != nil {
		t.Fatal(err)
	}
	ct, ok := a.http.Transport.(*cacheTransport)
	if !ok {
		t.Fatalf("transport %T is not the cache", a.http.Transport)
	}
	if ct.next != defaultHTTPClient().Transport {
		t.Errorf("the cache is not over the shared retry transport: %T", ct.next)
	}
	if _, ok := defaultHTTPClient().Transport.(*retryTransport); !ok || a.http == defaultHTTPClient() {
		t.Error("the shared client was changed")
	}
	dir := filepath.Join(t.TempDir(), "b")
	b, err := NewValidator(Config{HTTPClient: a.http, CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	bt, ok := b.http.Transport.(*cacheTransport)
	if !ok || bt.dir != dir {
		t.Fatalf("transport %T", b.http.Transport)
	}
	rt, ok := bt.next.(*retryTransport)
	if !ok {
		t.Fatalf("under the cache: %T, want the retry policy", bt.next)
	}
	if _, twice := rt.base.(*retryTransport); twice {
		t.Error("retry policy applied twice")
	}
	if _, cached := rt.base.(*cacheTransport); cached {
		t.Error("a cache under the retry policy")
	}
	if c, err := NewValidator(Config{HTTPClient: a.http}); err != nil {
		t.Fatal(err)
	} else if _, cached := c.http.Transport.(*cacheTransport); cached {
		t.Error("a validator without CacheDir inherited another's cache")
	}
}
