package entra

import (
	"encoding/base64"
	"strings"
	"testing"
)

func jwtOf(payload string) string {
	return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
}

func TestDecodeClaims(t *testing.T) {
	c, err := decodeClaims(jwtOf(`{"tid":"8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60","appid":"a","oid":"o","roles":["User.Read.All"],"idtyp":"app","ver":"1.0"}`))
	if err != nil || c.TenantID == "" || c.Client() != "a" || c.ObjectID != "o" || len(c.Roles) != 1 {
		t.Fatalf("%+v %v", c, err)
	}
	c, err = decodeClaims(jwtOf(`{"tid":"t","azp":"b","ver":"2.0"}`))
	if err != nil || c.Client() != "b" || c.Roles != nil {
		t.Fatalf("v2: %+v %v", c, err)
	}
	for _, bad := range []string{"", "a.b", "a..c", "a.!!!.c", jwtOf(`[1]`), jwtOf(`{"roles":"x"}`), jwtOf(`not json`)} {
		if _, err := decodeClaims(bad); err == nil {
			t.Errorf("decodeClaims(%q) accepted", bad)
		}
	}
}

func FuzzDecodeClaims(f *testing.F) {
	for _, s := range []string{
		jwtOf(`{"tid":"8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60","appid":"a","roles":["x"]}`),
		jwtOf(`{}`), "a.b.c", "..", "a.=.c", "eyJ.eyJ9.", jwtOf(`{"exp":1e400}`),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		c, err := decodeClaims(token)
		if err != nil {
			if c.TenantID != "" || c.Roles != nil {
				t.Errorf("claims returned with an error: %+v", c)
			}
			return
		}
		if strings.Count(token, ".") != 2 {
			t.Errorf("accepted a token without three parts: %q", token)
		}
		_ = c.Client()
	})
}
