//go:build !msal

package tenant

// This file stands in for validate_token_msal.go until go.mod/go.sum carry
// MSAL's own dependencies (golang-jwt, google/uuid, godebug, x/sync): it
// makes the same two requests MSAL makes for a client-credentials token
// (tenant OpenID metadata once per authority, then the token endpoint every
// time) so the rest of the validator and every package's tests behave the
// same. Build with -tags msal to use MSAL; delete this file once go.sum has
// the entries.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

type httpAcquirer struct {
	http *http.Client
	mu   sync.Mutex
	// tokenEndpoints caches each authority's token endpoint from its OpenID
	// metadata, as MSAL's authority resolver does.
	tokenEndpoints map[string]string
}

func newAcquirer(c *http.Client) acquirer {
	return &httpAcquirer{http: c, tokenEndpoints: map[string]string{}}
}

func (a *httpAcquirer) acquire(ctx context.Context, authorityHost, tenant, clientID string, secret Secret, scope string) (string, error) {
	authority := strings.ToLower(authorityURL(authorityHost, tenant))
	a.mu.Lock()
	endpoint, ok := a.tokenEndpoints[authority]
	a.mu.Unlock()
	if !ok {
		var meta struct {
			TokenEndpoint         string `json:"token_endpoint"`
			AuthorizationEndpoint string `json:"authorization_endpoint"`
			Issuer                string `json:"issuer"`
		}
		if err := a.call(ctx, stageMetadata, http.MethodGet, authority+"/v2.0/.well-known/openid-configuration", nil, &meta); err != nil {
			return "", fmt.Errorf("unable to resolve an endpoint: %w", err)
		}
		if meta.TokenEndpoint == "" || meta.AuthorizationEndpoint == "" || meta.Issuer == "" {
			return "", &badAnswerError{Stage: stageMetadata, Err: errIncomplete}
		}
		endpoint = meta.TokenEndpoint
		a.mu.Lock()
		a.tokenEndpoints[authority] = endpoint
		a.mu.Unlock()
	}
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {clientID},
		"client_secret": {secret.Reveal()},
		"scope":         {scope},
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := a.call(ctx, stageToken, http.MethodPost, endpoint, form, &tok); err != nil {
		return "", err
	}
	if tok.AccessToken == "" {
		return "", &badAnswerError{Stage: stageToken, Err: errIncomplete}
	}
	return tok.AccessToken, nil
}

func (a *httpAcquirer) call(ctx context.Context, stage, method, u string, form url.Values, out any) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("build the %s request: %w", stage, err)
	}
	if form != nil {
		enc := form.Encode()
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(enc)), nil }
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	req.Header.Set("client-request-id", newCorrelationID())
	req.Header.Set("Return-Client-Request-Id", "false")
	resp, err := a.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("could not read the body of an HTTP Response: %w", err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return &entraHTTPError{Stage: stage, Status: resp.StatusCode, Header: resp.Header, Body: data}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &badAnswerError{Stage: stage, Err: errNotJSON}
	}
	return nil
}
