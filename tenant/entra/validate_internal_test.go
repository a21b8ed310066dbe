package entra

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"onboard/tenant"
	"strings"
	"testing"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
)

// TestSharedClient: validators built without an HTTP client share one
// keep-alive, HTTP/2, proxy-aware transport with the retry policy on top.
func TestSharedClient(t *testing.T) {
	a, err := NewValidator(Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewValidator(Config{Cloud: tenant.CloudChina})
	if err != nil {
		t.Fatal(err)
	}
	if a.http != b.http {
		t.Error("validators do not share the HTTP client")
	}
	rt, ok := a.http.Transport.(*retryTransport)
	if !ok {
		t.Fatalf("transport %T is not the retry policy", a.http.Transport)
	}
	tr, ok := rt.base.(*http.Transport)
	if !ok || !tr.ForceAttemptHTTP2 || tr.Proxy == nil || tr.DisableKeepAlives || tr.MaxIdleConnsPerHost < 8 {
		t.Errorf("base transport %+v", rt.base)
	}
	if b.authority != "https://login.partner.microsoftonline.cn" || b.graph != "https://microsoftgraph.chinacloudapi.cn" {
		t.Errorf("china endpoints: %s %s", b.authority, b.graph)
	}
	// A caller's client is wrapped once, never twice, and not modified.
	own := &http.Client{}
	c, _ := NewValidator(Config{HTTPClient: own})
	if own.Transport != nil {
		t.Error("the caller's client was modified")
	}
	d, _ := NewValidator(Config{HTTPClient: c.http})
	if inner := d.http.Transport.(*retryTransport).base; inner == nil {
		t.Error("no base transport")
	} else if _, twice := inner.(*retryTransport); twice {
		t.Error("retry policy applied twice")
	}
}

// TestFromMSALDropsTheRequest: MSAL's CallErr holds the token request, whose
// form body carries the secret (MSAL's errors.Verbose prints it). Whatever
// fromMSAL returns must not wrap it, with or without an answer.
func TestFromMSALDropsTheRequest(t *testing.T) {
	const secret = "Zz9~Request.Body.Secret.Canary"
	req := func() *http.Request {
		r, _ := http.NewRequest(http.MethodPost, "https://login.example.com/contoso/oauth2/v2.0/token",
			strings.NewReader("grant_type=client_credentials&client_secret="+secret))
		return r
	}
	answer := &http.Response{StatusCode: 401, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"error":"invalid_client"}`))}
	for name, in := range map[string]error{
		"with an answer":    fmt.Errorf("wrapped: %w", msalerrors.CallErr{Req: req(), Resp: answer, Err: errors.New("http call error: 401")}),
		"without an answer": fmt.Errorf("wrapped: %w", msalerrors.CallErr{Req: req(), Err: errors.New("http call error")}),
	} {
		out := fromMSAL(context.Background(), in)
		var ce msalerrors.CallErr
		if errors.As(out, &ce) {
			t.Errorf("%s: the error still wraps MSAL's CallErr (and its request)", name)
		}
		if s := msalerrors.Verbose(out) + fmt.Sprintf("%+v %#v", out, out); strings.Contains(s, secret) {
			t.Errorf("%s: the secret is in the error: %s", name, s)
		}
	}
}
