package entra

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"onboard/tenant"
)

// Creating the customer's App registration on the spot (docs/onboarding.md,
// step 7): the customer's admin signs in on their own device with a code
// (MSAL Go's public client, the OAuth 2.0 device authorization grant), and
// with the admin's delegated Microsoft Graph token onboard creates the App
// registration, its service principal, admin consent for the Graph
// application permissions the validator needs, the Teams Administrator
// role and a client secret (createapp_graph.go). The admin's token lives
// in memory only, in an AdminSession, until Close: MSAL's token cache is
// emptied as soon as MSAL has written to it, and nothing is written to
// disk.

// DefaultSignInClientID is the public client the admin signs in to:
// Microsoft Graph Command Line Tools, the app Microsoft Graph PowerShell
// uses, which admins already know from its consent prompt.
const DefaultSignInClientID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

// adminScopes are the delegated Microsoft Graph permissions the admin
// signs in with: create the application, its service principal and its
// secret; grant Graph application permissions (appRoleAssignedTo); assign
// the directory role (roleManagement/directory/roleAssignments).
var adminScopes = []string{"Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "RoleManagement.ReadWrite.Directory"}

// Creator creates customers' App registrations. It shares a Validator's
// cloud, endpoints (and their overrides), HTTP client and clock. Safe for
// concurrent use.
type Creator struct {
	v        *Validator
	clientID string
}

// NewCreator returns a Creator over v's cloud and endpoints whose admins
// sign in to signInClientID ("" = DefaultSignInClientID).
func NewCreator(v *Validator, signInClientID string) (*Creator, error) {
	id := DefaultSignInClientID
	if strings.TrimSpace(signInClientID) != "" {
		g, ok := tenant.ParseGUID(signInClientID)
		if !ok {
			return nil, &tenant.RuleError{Field: "sign-in client ID", Rule: fmt.Sprintf("the sign-in client ID must be an Application ID (a GUID), such as %s (got %q)", DefaultSignInClientID, signInClientID)}
		}
		id = g
	}
	return &Creator{v: v, clientID: id}, nil
}

// SignIn asks Entra ID for a device code in the tenant (a GUID or a
// domain), hands it to show, and waits until the admin has signed in with
// it on their own device. It fails when the admin declines, when the code
// expires (15 minutes), or when ctx ends; every failure is a
// *tenant.CreateError worded for the engineer.
func (c *Creator) SignIn(ctx context.Context, tenantID string, show func(tenant.DeviceCode)) (*AdminSession, error) {
	tid, _, err := tenant.ParseTenantID(tenantID)
	if err != nil {
		return nil, err
	}
	v := c.v
	tc := tokenContext{Cloud: v.cloud, AuthorityHost: v.authority, Tenant: tid, ClientID: c.clientID, Timeout: v.timeout}
	// MSAL reads a refused poll's body to see whether to keep polling
	// and leaves it empty: the answers are kept here as they pass.
	answers := &lastAnswer{}
	hc := *v.http
	hc.Transport = &keepAnswers{base: v.http.Transport, last: answers}
	pc, err := public.New(c.clientID,
		public.WithAuthority(authorityURL(v.authority, tid)),
		public.WithHTTPClient(&hc),
		public.WithInstanceDiscovery(false),
		public.WithCache(noTokenCache{}),
	)
	if err != nil {
		return nil, fmt.Errorf("set up MSAL for %s: %w", v.authority, err)
	}
	graph := v.cloud.Endpoints().GraphURL
	scopes := make([]string, len(adminScopes))
	for i, s := range adminScopes {
		scopes[i] = graph + "/" + s
	}
	dc, err := pc.AcquireTokenByDeviceCode(ctx, scopes)
	if err != nil {
		return nil, explainSignIn(ctx, fromSignIn(ctx, err, answers), tc)
	}
	code := tenant.DeviceCode{
		VerificationURL: verificationURL(dc.Result.VerificationURL),
		UserCode:        tenant.Untrusted(dc.Result.UserCode, 32),
		ExpiresAt:       dc.Result.ExpiresOn,
	}
	v.debug("device code issued", "tenant", tid, "client", c.clientID, "expires", code.ExpiresAt)
	if show != nil {
		show(code)
	}
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			// MSAL stops polling at the code's expiry on this computer's
			// clock: the code expired.
			return nil, explainSignIn(ctx, errCodeExpired, tc)
		}
		return nil, explainSignIn(ctx, fromSignIn(ctx, err, answers), tc)
	}
	s := &AdminSession{c: c, token: res.AccessToken}
	var claims userClaims
	if decodePayload(res.AccessToken, &claims) != nil {
		claims = userClaims{} // not a JWT: the id token alone names the admin
	}
	s.admin.UPN = firstClean(res.IDToken.PreferredUsername, claims.UPN, res.Account.PreferredUsername)
	if upn, err := tenant.CleanAdminUPN(s.admin.UPN); err == nil {
		s.admin.UPN = upn
	} else {
		s.admin.UPN = ""
	}
	for _, t := range []string{res.IDToken.TenantID, claims.TenantID} {
		if g, ok := tenant.ParseGUID(t); ok {
			s.admin.TenantID = g
			break
		}
	}
	if s.admin.TenantID == "" {
		if g, ok := tenant.ParseGUID(tid); ok {
			s.admin.TenantID = g
		}
	}
	v.debug("admin signed in", "tenant", s.admin.TenantID, "admin", s.admin.UPN)
	return s, nil
}

// errCodeExpired is a device code whose 15 minutes passed.
var errCodeExpired = errors.New("the device code expired")

// verificationURL is the page Entra ID named, when it is an https URL;
// else the one Microsoft documents.
func verificationURL(s string) string {
	s = tenant.Untrusted(s, 256)
	if u, err := url.Parse(s); err == nil && u.Scheme == "https" && u.Host != "" {
		return s
	}
	return "https://microsoft.com/devicelogin"
}

func firstClean(vals ...string) string {
	for _, v := range vals {
		if c := tenant.Untrusted(v, tenant.UntrustedNameMax); c != "" {
			return c
		}
	}
	return ""
}

// AdminSession is a signed-in admin's delegated access to the customer's
// tenant: the token in memory only, until Close.
type AdminSession struct {
	c     *Creator
	admin tenant.SignedInAdmin

	mu    sync.Mutex
	token string
	// z scrubs the client secret AddSecret received from everything the
	// session reads after it (nil before).
	z *sanitizer
	// graphSP is Microsoft Graph's service principal in the tenant and
	// appRoles its app role IDs by permission name, read once.
	graphSP  string
	appRoles map[string]string
}

// Admin is who signed in.
func (s *AdminSession) Admin() tenant.SignedInAdmin { return s.admin }

// Close forgets the admin's token.
func (s *AdminSession) Close() {
	s.mu.Lock()
	s.token = ""
	s.mu.Unlock()
}

// bearer is the admin's token and the sanitizer for what comes back.
func (s *AdminSession) bearer() (string, *sanitizer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == "" {
		return "", nil, errors.New("the admin's sign-in was closed")
	}
	return s.token, s.z, nil
}

// lastAnswer keeps the last error answer of a sign-in (its status and
// body), for when MSAL has read the body itself (its headers MSAL keeps).
type lastAnswer struct {
	mu     sync.Mutex
	status int
	body   []byte
}

// keepAnswers copies every error answer's body into last and hands MSAL
// the same bytes.
type keepAnswers struct {
	base http.RoundTripper
	last *lastAnswer
}

func (k *keepAnswers) RoundTrip(req *http.Request) (*http.Response, error) {
	base := k.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	k.last.mu.Lock()
	k.last.status, k.last.body = resp.StatusCode, body
	k.last.mu.Unlock()
	return resp, nil
}

// fromSignIn is fromMSAL for the sign-in: an Entra error answer whose
// body MSAL already read gets the body kept by keepAnswers.
func fromSignIn(ctx context.Context, err error, last *lastAnswer) error {
	err = fromMSAL(ctx, err)
	var he *entraHTTPError
	if errors.As(err, &he) && len(bytes.TrimSpace(he.Body)) == 0 {
		last.mu.Lock()
		if last.status == he.Status {
			he.Body = append([]byte(nil), last.body...)
		}
		last.mu.Unlock()
	}
	return err
}
