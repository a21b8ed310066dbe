package entra

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Stages of the token step, for error messages and mapping.
const (
	stageMetadata = "metadata" // the tenant's OpenID metadata (where AADSTS90002 comes from)
	stageToken    = "token"    // the token endpoint
)

// entraHTTPError is a non-2xx answer from Entra ID, taken out of MSAL's
// CallErr. Body is the raw answer (Entra's JSON error, or a proxy's page).
type entraHTTPError struct {
	Stage  string
	Status int
	Header http.Header
	Body   []byte
}

func (e *entraHTTPError) Error() string {
	return fmt.Sprintf("Entra ID %s request answered HTTP %d", e.Stage, e.Status)
}

// badAnswerError is a 2xx answer that could not be used: not JSON, cut
// short, or missing what it must contain.
type badAnswerError struct {
	Stage string
	Err   error
}

func (e *badAnswerError) Error() string {
	return fmt.Sprintf("Entra ID %s answer unusable: %v", e.Stage, e.Err)
}

func (e *badAnswerError) Unwrap() error { return e.Err }

var (
	errNotJSON     = errors.New("the answer was not JSON or was cut short")
	errIncomplete  = errors.New("the answer lacked a required field")
	errBadNextLink = errors.New("the answer's next page is on another host or never ends")
)

// lastStage is the token-flow step of the last request sent for this
// validation (the retry transport records it), for errors that do not say.
func lastStage(ctx context.Context) string {
	if l := retriesFrom(ctx); l != nil {
		if p := l.lastPath(); p != "" {
			return stageOf(p)
		}
	}
	return stageToken
}

// stageOf tells from a request URL which step of the token flow it was.
func stageOf(u string) string {
	if strings.Contains(u, "/.well-known/openid-configuration") {
		return stageMetadata
	}
	return stageToken
}

// authorityURL is the MSAL authority for a tenant: {host}/{tenant}.
func authorityURL(host, tenant string) string {
	return strings.TrimSuffix(host, "/") + "/" + tenant
}
