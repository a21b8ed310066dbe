package tenant

import (
	"net/http"
	"testing"
)

// TestSharedClient: validators built without an HTTP client share one
// keep-alive, HTTP/2, proxy-aware transport with the retry policy on top.
func TestSharedClient(t *testing.T) {
	a, err := NewValidator(Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewValidator(Config{Cloud: CloudChina})
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
