package entra_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"context"

	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entrasim"
)

// echoPlaces are where a misbehaving proxy or directory can put what it
// was sent: Entra ID's error description, trace ID and correlation ID, and
// a Graph error message. echo is the echoed text.
var echoPlaces = map[string]func(echo string) entrasim.Fault{
	"error description": func(echo string) entrasim.Fault {
		return entraFault(map[string]any{"error_description": "AADSTS90099: Bad request " + echo, "trace_id": "0b3a0c1e-2f4d-4e5a-9b6c-7d8e9f0a1b2c", "correlation_id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"})
	},
	"trace ID": func(echo string) entrasim.Fault {
		return entraFault(map[string]any{"error_description": "AADSTS90099: Bad request.", "trace_id": echo, "correlation_id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"})
	},
	"correlation ID": func(echo string) entrasim.Fault {
		return entraFault(map[string]any{"error_description": "AADSTS90099: Bad request.", "trace_id": "0b3a0c1e-2f4d-4e5a-9b6c-7d8e9f0a1b2c", "correlation_id": echo})
	},
	"Graph message": func(echo string) entrasim.Fault {
		body, _ := json.Marshal(map[string]any{"error": map[string]any{"code": "BadRequest", "message": echo,
			"innerError": map[string]any{"request-id": echo, "date": "2026-11-25T12:00:00"}}})
		return entrasim.Fault{Kind: entrasim.KindGraph, PathContains: "/organization", Status: 400, Body: string(body)}
	},
}

func entraFault(fields map[string]any) entrasim.Fault {
	fields["error"] = "invalid_request"
	fields["error_codes"] = []int{90099}
	body, _ := json.Marshal(fields)
	return entrasim.Fault{Kind: entrasim.KindToken, Status: 400, Body: string(body)}
}

// truncationPoints put the echoed secret across every cut the validator
// makes: an ID's 128 characters, a Graph message's 200 bytes, an error
// summary's 300 bytes, a description's 1024 characters.
var truncationPoints = []int{0, 110, 122, 125, 180, 192, 196, 199, 250, 270, 290, 295, 299, 1000, 1010, 1017, 1021}

// TestSecretInNoEncoding: a secret echoed back in any encoding, in any
// place an answer carries text, cut at any point, is in no report, no
// progress line and no log line — not even its first 8 characters.
func TestSecretInNoEncoding(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var names []string
	for name := range entra.Encodings {
		names = append(names, name)
	}
	sort.Strings(names)
	for place, fault := range echoPlaces {
		for _, encName := range names {
			enc := entra.Encodings[encName]
			t.Run(place+"/"+encName, func(t *testing.T) {
				t.Parallel()
				dir := entrasim.Demo(now)
				dir.Now = func() time.Time { return now }
				tenantOf(&dir, "Contoso").Apps[0].Secrets[0].Value = entra.LeakySecret
				r := newRig(t, dir, now)
				c := demoCreds(t, now, "Contoso")
				c.Secret = tenant.NewSecret(entra.LeakySecret)
				for _, at := range truncationPoints {
					echo := strings.Repeat("x", at) + "client_id=" + c.ClientID + "&client_secret=" + enc(entra.LeakySecret) + "&grant_type=client_credentials"
					r.srv.ClearFaults()
					r.srv.AddFault(fault(echo))
					var lines []string
					logFrom := len(r.log.String())
					rep := r.validator().Validate(context.Background(), c, func(ch tenant.Check) { lines = append(lines, ch.Detail, ch.Fix) })
					if place == "Graph message" && rep.Status == tenant.StatusFail {
						t.Fatalf("the Graph fault failed the validation: %s", dump(rep))
					}
					if place != "Graph message" && rep.AADSTS != "AADSTS90099" {
						t.Fatalf("the echo did not reach the report: %s", dump(rep))
					}
					js, _ := json.Marshal(rep)
					var decoded any
					_ = json.Unmarshal(js, &decoded)
					texts := map[string]string{"json": string(js), "%+v": fmt.Sprintf("%+v", rep), "progress": strings.Join(lines, "\n"), "log": r.log.String()[logFrom:]}
					for _, s := range allStrings(decoded) {
						texts["field "+s] = s
					}
					for where, s := range texts {
						if l := entra.Leaks(s, entra.LeakySecret); len(l) > 0 {
							t.Errorf("cut at %d: the secret leaks in %s as %v", at, clipped(where), l)
						}
					}
				}
			})
		}
	}
}

// TestNoAnswerBodyInReport: a token endpoint that answers with a page (not
// Entra ID's JSON) holding the request is not quoted in the report.
func TestNoAnswerBodyInReport(t *testing.T) {
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	c := demoCreds(t, now, "Contoso")
	page := "<html>You sent: grant_type=client_credentials&client_secret=" + c.Secret.Reveal() + "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default</html>"
	for _, f := range []entrasim.Fault{
		{Kind: entrasim.KindToken, Status: 400, Body: page},
		{Kind: entrasim.KindToken, Status: 200, Body: page},
		{Kind: entrasim.KindToken, Status: 200, Body: `{"token_type":"Bearer","expires_in":3599,"note":"` + c.Secret.Reveal() + `"}`},
	} {
		r.srv.ClearFaults()
		r.srv.AddFault(f)
		rep := r.validate(context.Background(), c)
		js, _ := json.Marshal(rep)
		if rep.Status != tenant.StatusFail || strings.Contains(string(js), "grant_type") || strings.Contains(string(js), "html") || len(entra.Leaks(string(js), c.Secret.Reveal())) > 0 {
			t.Errorf("HTTP %d answer: %s", f.Status, js)
		}
	}
}

// allStrings lists every string in a decoded JSON value.
func allStrings(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case []any:
		for _, e := range x {
			out = append(out, allStrings(e)...)
		}
	case map[string]any:
		for _, e := range x {
			out = append(out, allStrings(e)...)
		}
	}
	return out
}

func clipped(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
