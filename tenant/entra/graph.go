package entra

import (
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
// decodes a 2xx JSON answer into out.
func (v *Validator) graphGet(ctx context.Context, token, pathAndQuery string, out any) graphResult {
	u := pathAndQuery
	if !strings.HasPrefix(u, "https://") {
		u = v.graph + "/v1.0/" + pathAndQuery
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return graphResult{Err: fmt.Errorf("build Graph request: %w", err)}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("client-request-id", randomid.GUID())
	resp, err := v.http.Do(req)
	if err != nil {
		return graphResult{Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	res := graphResult{Status: resp.StatusCode, RequestID: resp.Header.Get("request-id")}
	if err != nil {
		res.Err = err
		return res
	}
	if resp.StatusCode/100 != 2 {
		if g, ok := parseGraphError(body); ok {
			res.Code, res.Message = g.Error.Code, g.Error.Message
			if g.Error.InnerError.RequestID != "" {
				res.RequestID = g.Error.InnerError.RequestID
			}
		}
		return res
	}
	if err := json.Unmarshal(body, out); err != nil {
		res.Err = &badAnswerError{Stage: "Graph", Err: errNotJSON}
	}
	return res
}

type graphOrganization struct {
	Value []struct {
		ID              string `json:"id"`
		DisplayName     string `json:"displayName"`
		VerifiedDomains []struct {
			Name      string `json:"name"`
			IsInitial bool   `json:"isInitial"`
			IsDefault bool   `json:"isDefault"`
		} `json:"verifiedDomains"`
	} `json:"value"`
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

type graphDirectoryRoles struct {
	Value []struct {
		DisplayName    string `json:"displayName"`
		RoleTemplateID string `json:"roleTemplateId"`
	} `json:"value"`
	NextLink string `json:"@odata.nextLink"`
}

// graphFacts is what the parallel Graph wave brings back.
type graphFacts struct {
	org      graphOrganization
	orgRes   graphResult
	app      graphApplication
	appRes   graphResult
	roles    graphDirectoryRoles
	rolesRes graphResult
	user     tenant.AdminUser
	userRes  graphResult
	askUser  bool
	askRoles bool
}

// graphWave runs SPEC §3's Graph calls in parallel with one token.
func (v *Validator) graphWave(ctx context.Context, token, clientID, spObjectID, adminUPN string) graphFacts {
	f := graphFacts{askUser: adminUPN != "", askRoles: spObjectID != ""}
	done := make(chan struct{}, 4)
	n := 0
	run := func(fn func()) {
		n++
		go func() { fn(); done <- struct{}{} }()
	}
	run(func() {
		f.orgRes = v.graphGet(ctx, token, "organization?$select=id,displayName,verifiedDomains", &f.org)
	})
	run(func() {
		f.appRes = v.graphGet(ctx, token, "applications(appId='"+url.PathEscape(clientID)+"')?$select=id,appId,displayName,passwordCredentials", &f.app)
	})
	if f.askRoles {
		run(func() {
			f.rolesRes = v.graphGet(ctx, token, "servicePrincipals/"+url.PathEscape(spObjectID)+"/memberOf/microsoft.graph.directoryRole?$select=displayName,roleTemplateId", &f.roles)
			// A service principal with many roles is paged; follow on (rare).
			for page := 0; f.rolesRes.ok() && f.roles.NextLink != "" && page < 5; page++ {
				var more graphDirectoryRoles
				next := f.roles.NextLink
				if !strings.HasPrefix(next, v.graph+"/") {
					break // never send the token to another host
				}
				f.rolesRes = v.graphGet(ctx, token, next, &more)
				f.roles.Value = append(f.roles.Value, more.Value...)
				f.roles.NextLink = more.NextLink
			}
		})
	}
	if f.askUser {
		run(func() {
			f.userRes = v.graphGet(ctx, token, "users/"+url.PathEscape(adminUPN)+"?$select=id,userPrincipalName,displayName,accountEnabled", &f.user)
		})
	}
	for i := 0; i < n; i++ {
		<-done
	}
	return f
}
