package entra

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"onboard/tenant"
	"strings"
	"time"

	"onboard/tenant/internal/randomid"
)

// graphResult is the outcome of one Graph call: a transport failure (Err
// with Status 0), an HTTP error (Status and Graph's error code), or success.
type graphResult struct {
	Status    int
	Err       error
	Code      string
	Message   string
	RequestID string
}

func (g graphResult) ok() bool { return g.Err == nil && g.Status/100 == 2 }

// graphGet GETs path (relative to {graph}/v1.0/) with the token and
// decodes a 2xx JSON answer into out. Every string of the answer is
// cleaned (and the secret scrubbed from it) as it is decoded.
func (v *Validator) graphGet(ctx context.Context, z *sanitizer, token, pathAndQuery string, out any) graphResult {
	res := v.graphFetch(ctx, z, token, pathAndQuery, out)
	if res.ok() {
		z.strings(out, tenant.UntrustedNameMax)
	}
	return res
}

// graphFetch is graphGet without cleaning a successful answer (the caller
// cleans what it keeps); error answers are cleaned.
func (v *Validator) graphFetch(ctx context.Context, z *sanitizer, token, pathOrLink string, out any) graphResult {
	return v.graphDo(ctx, z, token, http.MethodGet, pathOrLink, nil, out)
}

// graphDo sends one Graph request (body, when not nil, as JSON) and
// decodes a 2xx JSON answer, if it has one, into out: graphFetch's reads
// and the writes that create an App registration (createapp_graph.go).
func (v *Validator) graphDo(ctx context.Context, z *sanitizer, token, method, pathOrLink string, body, out any) graphResult {
	u := pathOrLink
	if !strings.HasPrefix(u, "https://") {
		u = v.graph + "/v1.0/" + pathOrLink
	}
	var payload io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return graphResult{Err: fmt.Errorf("build Graph request: %w", err)}
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, payload)
	if err != nil {
		return graphResult{Err: fmt.Errorf("build Graph request: %w", err)}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("client-request-id", randomid.GUID())
	resp, err := v.http.Do(req)
	if err != nil {
		return graphResult{Err: err}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	res := graphResult{Status: resp.StatusCode, RequestID: z.text(resp.Header.Get("request-id"), tenant.UntrustedIDMax)}
	if err != nil {
		res.Err = err
		return res
	}
	if resp.StatusCode/100 != 2 {
		if g, ok := parseGraphError(answer); ok {
			res.Code = z.text(g.Error.Code, tenant.UntrustedNameMax)
			res.Message = z.text(g.Error.Message, tenant.UntrustedTextMax)
			if id := z.text(g.Error.InnerError.RequestID, tenant.UntrustedIDMax); id != "" {
				res.RequestID = id
			}
		}
		return res
	}
	if out == nil || len(bytes.TrimSpace(answer)) == 0 && method != http.MethodGet {
		return res // 204 No Content, or an answer nobody reads
	}
	if err := json.Unmarshal(answer, out); err != nil {
		res.Err = &badAnswerError{Stage: "Graph", Err: errNotJSON}
	}
	return res
}

// graphPage is one page of a Graph collection.
type graphPage[T any] struct {
	Value    []T    `json:"value"`
	NextLink string `json:"@odata.nextLink"`
}

// maxPages bounds how many pages of one list are read.
const maxPages = 20

// graphList reads every page of a Graph collection, following
// @odata.nextLink (https://learn.microsoft.com/en-us/graph/paging) only
// while it points at the Graph root the validator talks to: the token is
// never sent to another host.
func graphList[T any](ctx context.Context, v *Validator, z *sanitizer, token, path string) ([]T, graphResult) {
	var all []T
	next := path
	for page := 0; ; page++ {
		var p graphPage[T]
		res := v.graphFetch(ctx, z, token, next, &p)
		if !res.ok() {
			return all, res
		}
		// The values are cleaned; the nextLink is a URL, used as sent.
		z.strings(&p.Value, tenant.UntrustedNameMax)
		all = append(all, p.Value...)
		if p.NextLink == "" {
			return all, res
		}
		link, ok := v.nextLink(p.NextLink)
		if page+1 >= maxPages || !ok {
			return all, graphResult{Status: res.Status, Err: &badAnswerError{Stage: "Graph", Err: errBadNextLink}}
		}
		next = link
	}
}

// nextLink is where to ask for a list's next page: the link itself when
// it is on the Graph root the validator talks to; the same path on that
// root when the link names the cloud's own Graph host (Graph behind a
// --graph-url proxy writes its own host into nextLink); ok is false for
// any other host, which never gets the token.
func (v *Validator) nextLink(link string) (string, bool) {
	if sameGraph(v.graph, link) {
		return link, true
	}
	cloud := v.cloud.Endpoints().GraphURL
	if v.graph == cloud || !sameGraph(cloud, link) {
		return "", false
	}
	u, _ := url.Parse(link)
	out := v.graph + u.EscapedPath()
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out, true
}

// sameGraph reports whether a nextLink is an https URL on the Graph root
// the validator talks to.
func sameGraph(graphRoot, link string) bool {
	u, err := url.Parse(link)
	g, gerr := url.Parse(graphRoot)
	return err == nil && gerr == nil && u.Scheme == "https" && strings.EqualFold(u.Host, g.Host) &&
		strings.HasPrefix(u.Path, strings.TrimSuffix(g.Path, "/")+"/v1.0/") && u.User == nil
}

type graphOrganization struct {
	ID              string `json:"id"`
	DisplayName     string `json:"displayName"`
	VerifiedDomains []struct {
		Name rawText `json:"name"` // checked by tenant.UntrustedDomain

		IsInitial bool `json:"isInitial"`
		IsDefault bool `json:"isDefault"`
	} `json:"verifiedDomains"`
}

type graphPasswordCredential struct {
	KeyID       string     `json:"keyId"`
	DisplayName *string    `json:"displayName"`
	Hint        *string    `json:"hint"`
	EndDateTime *time.Time `json:"endDateTime"`
}

type graphApplication struct {
	ID                  string                    `json:"id"`
	AppID               string                    `json:"appId"`
	DisplayName         string                    `json:"displayName"`
	PasswordCredentials []graphPasswordCredential `json:"passwordCredentials"`
}

// graphDirectoryRole is a directoryRole as memberOf lists it. Without
// RoleManagement.Read.Directory or Directory.Read.All only @odata.type and
// id are set, every other property null
// (https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list-memberof).
type graphDirectoryRole struct {
	ID             string  `json:"id"`
	DisplayName    *string `json:"displayName"`
	RoleTemplateID *string `json:"roleTemplateId"`
}

// graphSKU is a subscribedSku
// (https://learn.microsoft.com/en-us/graph/api/resources/subscribedsku).
type graphSKU struct {
	SkuID         string `json:"skuId"`
	SkuPartNumber string `json:"skuPartNumber"`
	ConsumedUnits int    `json:"consumedUnits"`
	PrepaidUnits  struct {
		Enabled int `json:"enabled"`
	} `json:"prepaidUnits"`
	ServicePlans []struct {
		ServicePlanID   string `json:"servicePlanId"`
		ServicePlanName string `json:"servicePlanName"`
	} `json:"servicePlans"`
}

// graphFacts is what the parallel Graph wave brings back.
type graphFacts struct {
	org      []graphOrganization
	orgRes   graphResult
	app      graphApplication
	appRes   graphResult
	roles    []graphDirectoryRole
	rolesRes graphResult
	skus     []graphSKU
	skusRes  graphResult
	user     tenant.AdminUser
	userRes  graphResult
}

// graphAsk says which of the optional calls the wave makes.
type graphAsk struct {
	clientID string
	admin    string // "" = no admin user to look up
	// roles: list the service principal's directory roles (only when the
	// token carries no wids), by its object id when known (the token's
	// oid), else by the app's appId.
	roles bool
	spID  string
}

// graphWave runs the validation's Graph calls in parallel with one token: one
// round trip, plus the rare extra pages of a long list.
func (v *Validator) graphWave(ctx context.Context, z *sanitizer, token string, ask graphAsk) graphFacts {
	var f graphFacts
	done := make(chan struct{}, 5)
	n := 0
	run := func(fn func()) {
		n++
		go func() { fn(); done <- struct{}{} }()
	}
	run(func() {
		f.org, f.orgRes = graphList[graphOrganization](ctx, v, z, token, "organization?$select=id,displayName,verifiedDomains")
	})
	run(func() {
		f.appRes = v.graphGet(ctx, z, token, "applications(appId='"+url.PathEscape(ask.clientID)+"')?$select=id,appId,displayName,passwordCredentials", &f.app)
	})
	run(func() {
		f.skus, f.skusRes = graphList[graphSKU](ctx, v, z, token, "subscribedSkus?$select=skuId,skuPartNumber,consumedUnits,prepaidUnits,servicePlans")
	})
	if ask.roles {
		sp := "servicePrincipals(appId='" + url.PathEscape(ask.clientID) + "')"
		if ask.spID != "" {
			sp = "servicePrincipals/" + url.PathEscape(ask.spID)
		}
		run(func() {
			f.roles, f.rolesRes = graphList[graphDirectoryRole](ctx, v, z, token, sp+"/memberOf/microsoft.graph.directoryRole?$select=id,displayName,roleTemplateId")
		})
	}
	if ask.admin != "" {
		run(func() {
			f.userRes = v.graphGet(ctx, z, token, "users/"+url.PathEscape(ask.admin)+"?$select=id,userPrincipalName,displayName,accountEnabled", &f.user)
		})
	}
	for i := 0; i < n; i++ {
		<-done
	}
	return f
}
