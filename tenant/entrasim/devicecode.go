package entrasim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"onboard/tenant/internal/randomid"
)

// The OAuth 2.0 device authorization grant as Entra ID serves it
// (Microsoft identity platform and the OAuth 2.0 device authorization
// grant flow,
// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code):
// POST /{tenant}/oauth2/v2.0/devicecode hands out a device code and a user
// code; the client polls the token endpoint with the device code while the
// user signs in on another device, and gets authorization_pending until
// then, authorization_declined when the user says no, expired_token once
// the code's 15 minutes are over. MSAL Go polls with
// grant_type=device_code (observed through MSAL Go v1.10.1); the page
// documents urn:ietf:params:oauth:grant-type:device_code; Entra ID takes
// both.
//
// Nobody opens a browser here: a test signs in with Server.SignIn or
// Decline, or a tenant's DeviceSignIn does it by itself (the demo).

// KindDeviceCode is the device authorization endpoint
// (/{tenant}/oauth2/v2.0/devicecode); the polls go to KindToken.
const KindDeviceCode Kind = "devicecode"

// GraphCommandLineTools is the public client Microsoft Graph PowerShell
// signs in with ("Microsoft Graph Command Line Tools"), a first-party app
// every tenant knows.
const GraphCommandLineTools = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

// VerificationURL is the page the user opens to type the code.
const VerificationURL = "https://microsoft.com/devicelogin"

const (
	// deviceCodeLifetime: "From the moment the request is sent, the user
	// has 15 minutes to sign in. This is the default value for
	// expires_in."
	deviceCodeLifetime = 15 * time.Minute
	// deviceCodeInterval is the polling interval Entra ID asks for, in
	// seconds (the device-code page's interval; the value observed).
	deviceCodeInterval = 5
)

// DeviceSignIn is what the customer's admin does with every device code
// of a tenant, by itself: the demo's admin signs in a few seconds after
// the code is shown, since nobody can type it anywhere.
type DeviceSignIn struct {
	// UPN is the user who signs in: a user of the tenant.
	UPN string
	// After is how long after the code was issued the sign-in completes,
	// on the computer's clock (the demo waits a few seconds); 0 = at once.
	After time.Duration
	// Decline makes the user decline instead (authorization_declined).
	Decline bool
}

type signInState int

const (
	signInPending signInState = iota
	signInApproved
	signInDeclined
	signInExpired
	signInRedeemed
)

// pendingSignIn is one device code handed out.
type pendingSignIn struct {
	tenantID, clientID   string
	scopes               []string // as requested
	userCode, deviceCode string
	expires              time.Time // on the directory's clock
	state                signInState
	upn                  string
	auto                 *DeviceSignIn
	autoAt               time.Time // on the computer's clock
}

// liveState is what the server's users change while it runs: device codes
// and their sign-ins, and new App registrations still replicating
// (graphwrite.go).
type liveState struct {
	byDevice map[string]*pendingSignIn
	byUser   map[string]*pendingSignIn
	order    []*pendingSignIn
	// lag is how many validations of a new client secret are refused
	// while it "replicates" (SetReplicationLag); replicating counts what
	// is left for each app (lower-case appId).
	lag         int
	replicating map[string]*replication
}

// state returns the live state; callers hold s.mu.
func (s *Server) state() *liveState {
	if s.live == nil {
		s.live = &liveState{byDevice: map[string]*pendingSignIn{}, byUser: map[string]*pendingSignIn{}, replicating: map[string]*replication{}}
	}
	return s.live
}

// isDeviceCodeGrant reports whether a token request redeems a device code.
func isDeviceCodeGrant(g string) bool {
	return g == "device_code" || g == "urn:ietf:params:oauth:grant-type:device_code"
}

// oidcScopes are the scopes that ask for the user's identity, not for an
// API: MSAL adds them to every user sign-in.
var oidcScopes = []string{"openid", "profile", "email", "offline_access"}

// graphScope is the Graph permission a delegated scope names: "Xyz.Read"
// alone or prefixed with Microsoft Graph's resource URI or app ID (a
// scope without a resource is Graph's); ok is false for another resource.
func graphScope(scope string) (string, bool) {
	if i := strings.LastIndex(scope, "/"); i >= 0 {
		if resourceApp(scope[:i]) != ResourceGraph || scope[i+1:] == "" {
			return "", false
		}
		return scope[i+1:], true
	}
	return scope, true
}

// deviceCode answers POST /{tenant}/oauth2/v2.0/devicecode.
func (s *Server) deviceCode(w http.ResponseWriter, r *http.Request) {
	t, ok := s.postedForm(w, r, "client_id")
	if !ok {
		return
	}
	clientID := r.PostForm.Get("client_id")
	scopes := strings.Fields(r.PostForm.Get("scope"))
	switch {
	case clientID == "":
		s.entraError(w, r, 900144, "client_id")
		return
	case len(scopes) == 0:
		s.entraError(w, r, 900144, "scope")
		return
	case !strings.EqualFold(clientID, GraphCommandLineTools) && t.app(clientID) == nil:
		s.entraError(w, r, 700016, clientID+"|"+t.DisplayName)
		return
	}
	for _, sc := range scopes {
		if _, ok := graphScope(sc); !ok && !slices.Contains(oidcScopes, sc) {
			s.entraError(w, r, 70011, sc)
			return
		}
	}
	p := &pendingSignIn{tenantID: t.ID, clientID: clientID, scopes: scopes, userCode: userCode(), deviceCode: deviceCodeValue()}
	if t.DeviceSignIn != nil {
		auto := *t.DeviceSignIn
		p.auto, p.autoAt = &auto, time.Now().Add(auto.After)
	}
	s.mu.Lock()
	p.expires = s.now().Add(deviceCodeLifetime)
	st := s.state()
	st.byDevice[p.deviceCode], st.byUser[p.userCode] = p, p
	st.order = append(st.order, p)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"user_code":        p.userCode,
		"device_code":      p.deviceCode,
		"verification_uri": VerificationURL,
		"expires_in":       int(deviceCodeLifetime / time.Second),
		"interval":         deviceCodeInterval,
		"message":          fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.", VerificationURL, p.userCode),
	})
}

// deviceCodeToken answers a poll of the token endpoint with a device code.
func (s *Server) deviceCodeToken(w http.ResponseWriter, r *http.Request, t Tenant) {
	s.mu.Lock()
	p := s.state().byDevice[r.PostForm.Get("device_code")]
	if p == nil || p.tenantID != t.ID || !strings.EqualFold(p.clientID, r.PostForm.Get("client_id")) {
		s.mu.Unlock()
		s.entraError(w, r, 70018, "")
		return
	}
	if p.state == signInPending && p.auto != nil && !time.Now().Before(p.autoAt) {
		if p.auto.Decline {
			p.state = signInDeclined
		} else {
			p.state, p.upn = signInApproved, p.auto.UPN
		}
	}
	if p.state == signInPending && !s.now().Before(p.expires) {
		p.state = signInExpired
	}
	state, upn := p.state, p.upn
	if state == signInApproved {
		// A device code is redeemed once: a second poll gets
		// bad_verification_code, "the device_code sent to the /token
		// endpoint wasn't recognized" (the device-code page's expected
		// errors; a code used twice is the simulator's reading of it).
		p.state = signInRedeemed
	}
	now := s.now()
	s.mu.Unlock()
	switch state {
	case signInPending:
		s.entraError(w, r, 70016, "")
		return
	case signInDeclined:
		s.entraError(w, r, 65004, "")
		return
	case signInExpired:
		s.entraError(w, r, 70019, "")
		return
	case signInRedeemed:
		s.entraError(w, r, 70018, "")
		return
	}
	u := t.user(upn)
	if u == nil {
		s.entraError(w, r, 70018, "")
		return
	}
	var granted, echoed []string
	for _, sc := range p.scopes {
		if sc == "offline_access" {
			continue // a refresh token is issued instead of the scope being listed
		}
		echoed = append(echoed, sc)
		if g, ok := graphScope(sc); ok && !slices.Contains(oidcScopes, sc) {
			granted = append(granted, g)
		}
	}
	iss := "https://sts.windows.net/" + t.ID + "/"
	// A delegated Graph token (access token claims reference,
	// https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference):
	// the user's oid and upn, the delegated permissions in scp, the user's
	// directory roles in wids, appidacr 0 for a public client.
	access := map[string]any{
		"aud": GraphResourceURI, "iss": iss, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(3599 * time.Second).Unix(),
		"acr": "1", "aio": randomid.GUID(), "amr": []string{"pwd", "mfa"}, "app_displayname": "Microsoft Graph Command Line Tools",
		"appid": p.clientID, "appidacr": "0", "idtyp": "user", "name": u.DisplayName, "oid": u.ID, "sub": u.ID,
		"scp": strings.Join(granted, " "), "tid": t.ID, "unique_name": u.UserPrincipalName, "upn": u.UserPrincipalName,
		"uti": randomid.GUID()[:22], "ver": "1.0", "wids": append([]string{}, u.Roles...),
	}
	// The id token (ID token claims reference,
	// https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference).
	id := map[string]any{
		"aud": p.clientID, "iss": "https://" + r.Host + "/" + t.ID + "/v2.0", "iat": now.Unix(), "nbf": now.Unix(),
		"exp": now.Add(time.Hour).Unix(), "name": u.DisplayName, "oid": u.ID, "preferred_username": u.UserPrincipalName,
		"sub": u.ID, "tid": t.ID, "ver": "2.0",
	}
	at, err := signJWT(s.key, s.kid, access)
	if err != nil {
		http.Error(w, "signing failed", http.StatusInternalServerError)
		return
	}
	idt, err := signJWT(s.key, s.kid, id)
	if err != nil {
		http.Error(w, "signing failed", http.StatusInternalServerError)
		return
	}
	info, _ := json.Marshal(map[string]string{"uid": u.ID, "utid": t.ID})
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "scope": strings.Join(echoed, " "), "expires_in": 3599, "ext_expires_in": 3599,
		"access_token": at, "refresh_token": "0.sim." + deviceCodeValue(), "id_token": idt,
		"client_info": base64.RawURLEncoding.EncodeToString(info),
	})
}

// userCode is a user code shaped like Entra ID's: "a short string" on the
// device-code page, nine upper-case letters and digits as observed.
func userCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b [9]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// deviceCodeValue is a long opaque device code.
func deviceCodeValue() string {
	var b [96]byte
	_, _ = rand.Read(b[:])
	return "DAQABIQEAAAD" + base64.RawURLEncoding.EncodeToString(b[:])
}

// SignIn completes the sign-in of userCode as the user upn, as the admin
// does on their own device; the client's next poll gets the tokens.
func (s *Server) SignIn(userCode, upn string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.state().byUser[userCode]
	if p == nil || p.state != signInPending {
		return fmt.Errorf("no device code %q is waiting", userCode)
	}
	i, ok := s.index[strings.ToLower(p.tenantID)]
	if !ok || s.dir.Tenants[i].user(upn) == nil {
		return fmt.Errorf("tenant %s has no user %s", p.tenantID, upn)
	}
	p.state, p.upn = signInApproved, upn
	return nil
}

// Decline is the user saying no to the sign-in of userCode.
func (s *Server) Decline(userCode string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.state().byUser[userCode]
	if p == nil || p.state != signInPending {
		return fmt.Errorf("no device code %q is waiting", userCode)
	}
	p.state = signInDeclined
	return nil
}

// ExpireDeviceCodes makes every device code still waiting expire now, as
// if its 15 minutes had passed.
func (s *Server) ExpireDeviceCodes() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.state().order {
		if p.state == signInPending {
			p.state = signInExpired
		}
	}
}

// WaitingSignIns are the user codes handed out and not yet used, oldest
// first: a test signs in with them when it does not see the code shown.
func (s *Server) WaitingSignIns() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, p := range s.state().order {
		if p.state == signInPending {
			out = append(out, p.userCode)
		}
	}
	return out
}
