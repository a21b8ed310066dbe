package entra

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"onboard/tenant"
	"strings"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
)

// msalAcquirer keeps one confidential.Client per (authority, client ID,
// secret): MSAL caches the tenant's OpenID metadata inside the client (its
// authority endpoint resolver), so reusing the client is what makes a
// repeat validation skip the metadata round trip. A new client (a new
// process, a new secret) finds the document in the HTTP cache under its
// client instead (cache.go). The map key is a SHA-256 of the three, so the
// secret is never a readable map key.
type msalAcquirer struct {
	http    *http.Client
	mu      sync.Mutex
	clients map[[32]byte]confidential.Client
}

// maxMSALClients bounds the pool; beyond it the pool starts afresh (the
// only cost is one metadata request per tenant).
const maxMSALClients = 512

func newAcquirer(c *http.Client) *msalAcquirer {
	return &msalAcquirer{http: c, clients: map[[32]byte]confidential.Client{}}
}

func (a *msalAcquirer) clientFor(authority, clientID string, secret tenant.Secret) (confidential.Client, error) {
	key := sha256.Sum256([]byte(authority + "\x00" + clientID + "\x00" + secret.Reveal()))
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.clients[key]; ok {
		return c, nil
	}
	cred, err := confidential.NewCredFromSecret(secret.Reveal())
	if err != nil {
		return confidential.Client{}, errors.New("the client secret is empty")
	}
	// Instance discovery only serves token-cache aliasing and authority
	// validation against Microsoft's host list; the hosts here come from a
	// fixed cloud table or an explicit override, and with it enabled MSAL
	// makes an extra round trip before every first token.
	cc, err := confidential.New(authority, clientID, cred,
		confidential.WithHTTPClient(a.http),
		confidential.WithInstanceDiscovery(false),
		confidential.WithCache(noTokenCache{}),
	)
	if err != nil {
		return confidential.Client{}, fmt.Errorf("set up MSAL for %s: %w", authority, err)
	}
	if len(a.clients) >= maxMSALClients {
		a.clients = map[[32]byte]confidential.Client{}
	}
	a.clients[key] = cc
	return cc, nil
}

// acquire gets one fresh app-only token: never from MSAL's token cache
// (Validate Authentication proves the secret works *now*), while the
// tenant's OpenID metadata is kept between calls.
func (a *msalAcquirer) acquire(ctx context.Context, authorityHost, tenant, clientID string, secret tenant.Secret, scope string) (string, error) {
	c, err := a.clientFor(authorityURL(authorityHost, tenant), clientID, secret)
	if err != nil {
		return "", err
	}
	// noTokenCache empties MSAL's cache before each read and right after
	// each write, but a concurrent validation of the same credentials can
	// still have its token in the cache for the instant between the two.
	// MSAL says where a token came from: only one from the identity
	// provider proves the secret, so a cached one is asked for again.
	for try := 0; try < 3; try++ {
		res, err := c.AcquireTokenByCredential(ctx, []string{scope})
		if err != nil {
			return "", fromMSAL(ctx, err)
		}
		if res.Metadata.TokenSource == confidential.TokenSourceIdentityProvider {
			return res.AccessToken, nil
		}
	}
	return "", errors.New("MSAL kept answering from its token cache")
}

// noTokenCache is MSAL's external cache accessor, used to empty MSAL's
// in-memory token cache before every read and right after every write:
// AcquireTokenByCredential then always goes to the token endpoint, while
// the authority metadata (kept outside the token cache) survives.
// WithClaims would also skip the cache but sends a claims challenge to
// Entra ID, changing the request being validated.
type noTokenCache struct{}

const emptyCache = `{}`

func (noTokenCache) Replace(_ context.Context, c cache.Unmarshaler, _ cache.ReplaceHints) error {
	return c.Unmarshal([]byte(emptyCache))
}

func (noTokenCache) Export(_ context.Context, c cache.Marshaler, _ cache.ExportHints) error {
	if u, ok := c.(cache.Unmarshaler); ok {
		return u.Unmarshal([]byte(emptyCache))
	}
	return nil
}

// bodyMu guards reading the body of an answer MSAL hands out in an error.
// MSAL resolves a tenant's metadata once for concurrent requests
// (singleflight): when it fails, the Graph and the Teams admin API token
// requests get the same error, with the same *http.Response.
var bodyMu sync.Mutex

// answerBody reads an error answer's body (at most 1 MiB) and puts the
// bytes back, so whoever holds the same answer reads them too.
func answerBody(resp *http.Response) []byte {
	bodyMu.Lock()
	defer bodyMu.Unlock()
	if resp.Body == nil {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return body
}

// fromMSAL turns MSAL's error types into the validator's own, so the one
// error mapping (entraerrors.go) does not depend on MSAL's internals.
// MSAL's CallErr carries the request (with the secret in its form body,
// which MSAL's errors.Verbose reads out): no error leaving here wraps one.
// Only the status, headers and answer body are kept.
func fromMSAL(ctx context.Context, err error) error {
	var ce msalerrors.CallErr
	if errors.As(err, &ce) && ce.Resp == nil {
		return fmt.Errorf("Entra ID %s request failed: %s", lastStage(ctx), strings.Join(strings.Fields(ce.Error()), " "))
	}
	if errors.As(err, &ce) {
		body := answerBody(ce.Resp)
		stage := stageToken
		if ce.Req != nil && ce.Req.URL != nil {
			stage = stageOf(ce.Req.URL.Path)
		}
		return &entraHTTPError{Stage: stage, Status: ce.Resp.StatusCode, Header: ce.Resp.Header, Body: body}
	}
	var je msalerrors.InvalidJsonErr
	if errors.As(err, &je) {
		return &badAnswerError{Stage: lastStage(ctx), Err: errNotJSON}
	}
	// MSAL's own checks of what it got back (metadata without a token
	// endpoint, a token answer without access_token …).
	if s := err.Error(); strings.Contains(s, "TenantDiscoveryResponse") {
		return &badAnswerError{Stage: stageMetadata, Err: errIncomplete}
	} else if strings.Contains(s, "missing access_token") {
		return &badAnswerError{Stage: stageToken, Err: errIncomplete}
	}
	return err
}
