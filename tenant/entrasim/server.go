package entrasim

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"onboard/tenant/internal/randomid"
)

// Kind is the kind of endpoint a request went to; the server counts
// requests per kind so tests can assert round trips. The endpoints are
// where Microsoft documents them: the tenant's OpenID configuration
// (OpenID Connect on the Microsoft identity platform,
// https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc),
// the token endpoint of the client credentials flow
// (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow)
// and Microsoft Graph's v1.0 root (https://learn.microsoft.com/en-us/graph/use-the-api).
type Kind string

const (
	KindMetadata Kind = "metadata" // /{tenant}/v2.0/.well-known/openid-configuration
	KindToken    Kind = "token"    // /{tenant}/oauth2/v2.0/token
	KindGraph    Kind = "graph"    // /v1.0/…
	KindOther    Kind = "other"    // keys, unknown paths
)

// Fault makes matching requests misbehave instead of (or after) being
// answered normally.
type Fault struct {
	// Kind selects the endpoint kind the fault applies to.
	Kind Kind
	// PathContains narrows the fault to paths containing it ("" = any).
	PathContains string
	// Resource narrows a token fault to requests for this resource (its
	// app ID or identifier URI, e.g. GraphResourceURI); "" = any.
	Resource string
	// Status answers with this HTTP status and the endpoint's usual error
	// body (Entra or Graph shape): 429, 503, 500 … 0 = the normal status.
	Status int
	// RetryAfter is sent as the Retry-After header (seconds or HTTP date).
	RetryAfter string
	// AADSTS answers with this Entra error code's canned body (e.g. 900023).
	AADSTS int
	// Body replaces the answer with these raw bytes (e.g. an HTML page).
	Body string
	// Truncate cuts the normal answer in half (a well-formed but short body).
	Truncate bool
	// Hangup drops the request without an answer (the stream or connection
	// is reset), as a failing proxy does.
	Hangup bool
	// Claims, on a token request, overrides claims of the token issued
	// (a nil value removes the claim): a token for another tenant or app.
	Claims map[string]any
	// Opaque, on a token request, issues an access token that is not a
	// JWT (Graph still accepts it), as Tenant.OpaqueTokens does.
	Opaque bool
	// Times is how many matching requests the fault hits; 0 = every one.
	Times int
}

type faultState struct {
	Fault
	used int
}

// Server is a running simulated directory.
type Server struct {
	ts  *httptest.Server
	key *rsa.PrivateKey
	kid string

	mu          sync.Mutex
	dir         Directory
	index       map[string]int // GUID and every domain, lower-cased → tenant
	latency     time.Duration
	metadataCC  string // Cache-Control of the OpenID configuration (SetMetadataCacheControl)
	faults      []*faultState
	counts      map[Kind]int
	inflight    map[Kind]int
	maxInflight map[Kind]int
	// doneWave is the deepest wave a finished request was in, maxWave the
	// deepest any request was in (Waves).
	doneWave, maxWave int
	conns             int // TCP connections accepted
	http2             int // requests that arrived over HTTP/2

	// Barriers: requests of a kind wait until n of them have arrived,
	// which proves at the server that a client sends them in parallel.
	barriers map[Kind]*barrier

	// opaque holds the claims of the opaque access tokens issued, as a
	// reference-token store would.
	opaque map[string]map[string]any

	// live is what sign-ins and Graph writes change: device codes, the
	// replication of new apps (devicecode.go, graphwrite.go).
	live *liveState
}

type barrier struct {
	n, arrived int
	ch         chan struct{}
}

// Start serves d over HTTPS (HTTP/2 enabled) on a loopback port.
func Start(d Directory) (*Server, error) {
	key, kid, err := signingKey()
	if err != nil {
		return nil, err
	}
	s := &Server{
		key: key, kid: kid, dir: d.clone(), metadataCC: MetadataCacheControl,
		counts: map[Kind]int{}, inflight: map[Kind]int{}, maxInflight: map[Kind]int{},
		barriers: map[Kind]*barrier{}, opaque: map[string]map[string]any{},
	}
	s.reindex()
	ts := httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	ts.EnableHTTP2 = true
	// Tests make TLS fail on purpose; the handshake errors are expected.
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
		}
	}
	ts.StartTLS()
	s.ts = ts
	return s, nil
}

// URL is the server's base URL (https://127.0.0.1:port).
func (s *Server) URL() string { return s.ts.URL }

// AuthorityHost is the Entra ID login host to pass to tenant.Config.
func (s *Server) AuthorityHost() string { return s.ts.URL }

// GraphURL is the Graph root to pass to tenant.Config: where Graph
// requests go. Tokens are still asked for Microsoft Graph's own resource
// (GraphResourceURI), as they are through any proxy: the server's Graph
// accepts tokens whose audience is Microsoft Graph, whatever its own URL.
func (s *Server) GraphURL() string { return s.ts.URL }

// Client is an HTTP client that trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// CertPEM is the server's certificate, for SSL_CERT_FILE in end-to-end tests.
func (s *Server) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ts.Certificate().Raw})
}

// Close stops the server.
func (s *Server) Close() { s.ts.Close() }

// SetLatency delays every answer by d (before any fault applies).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// MetadataCacheControl is how Entra ID marks a tenant's OpenID
// configuration: a private cache may keep it for a day. *Observed* in
// Entra ID's real answers, not documented: Microsoft's pages say nothing
// of how long the document may be kept (docs/validation.md, "Kept between
// runs").
const MetadataCacheControl = "max-age=86400, private"

// SetMetadataCacheControl changes the Cache-Control header of the tenants'
// OpenID configuration (e.g. "max-age=0, private" for an answer that is
// stale at once); "" restores MetadataCacheControl. Error answers always
// carry no-store.
func (s *Server) SetMetadataCacheControl(v string) {
	if v == "" {
		v = MetadataCacheControl
	}
	s.mu.Lock()
	s.metadataCC = v
	s.mu.Unlock()
}

// SetGraphBarrier is SetBarrier(KindGraph, n).
func (s *Server) SetGraphBarrier(n int) { s.SetBarrier(KindGraph, n) }

// SetBarrier makes every request of a kind wait until n of them are
// waiting together (or 10 s pass): a client that sends them one after
// another then stalls. 0 turns it off.
func (s *Server) SetBarrier(k Kind, n int) {
	s.mu.Lock()
	if n <= 0 {
		delete(s.barriers, k)
	} else {
		s.barriers[k] = &barrier{n: n}
	}
	s.mu.Unlock()
}

// AddFault installs a fault; faults are tried in the order added.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, &faultState{Fault: f})
	s.mu.Unlock()
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// Update changes the directory while the server runs.
func (s *Server) Update(fn func(*Directory)) {
	s.mu.Lock()
	fn(&s.dir)
	s.reindex()
	s.mu.Unlock()
}

// reindex rebuilds the tenant index; a bulk directory of hundreds of
// tenants is looked up on every request. Callers hold s.mu (or own s).
func (s *Server) reindex() {
	s.index = make(map[string]int, len(s.dir.Tenants)*3)
	for i, t := range s.dir.Tenants {
		s.index[strings.ToLower(t.ID)] = i
		for _, d := range t.Domains {
			if !d.Unverified {
				s.index[strings.ToLower(d.Name)] = i
			}
		}
	}
}

// tenant finds a tenant by GUID or domain, ignoring case, and returns a
// copy: the handler reads it while Update may change the directory.
func (s *Server) tenant(idOrDomain string) (Tenant, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.index[strings.ToLower(idOrDomain)]; ok && i < len(s.dir.Tenants) {
		return s.dir.Tenants[i], true
	}
	return Tenant{}, false
}

// Count is how many requests of a kind the server has received.
func (s *Server) Count(k Kind) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[k]
}

// Counts returns every counter.
func (s *Server) Counts() map[Kind]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[Kind]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// MaxInFlight is the largest number of requests of a kind that were being
// served at the same time.
func (s *Server) MaxInFlight(k Kind) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInflight[k]
}

// Connections is how many TCP connections clients opened: with keep-alive
// and HTTP/2 a validator needs one, however many validations it runs.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// HTTP2Requests is how many requests arrived over HTTP/2.
func (s *Server) HTTP2Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.http2
}

// Waves is how many round trips one after another the requests since the
// last ResetCounts took: a request is in the wave after the deepest one
// any request that had finished when it arrived was in. Requests sent side
// by side share a wave; one sent after an answer is a wave deeper. With a
// latency set (SetLatency), a request that belongs to a wave arrives long
// before any of that wave finishes, whatever the load.
func (s *Server) Waves() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxWave
}

// ResetCounts zeroes the request, in-flight, wave, connection and HTTP/2
// counters.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	s.counts = map[Kind]int{}
	s.maxInflight = map[Kind]int{}
	s.doneWave, s.maxWave = 0, 0
	s.conns, s.http2 = 0, 0
	s.mu.Unlock()
}

func (s *Server) now() time.Time {
	if s.dir.Now != nil {
		return s.dir.Now()
	}
	return time.Now()
}

func kindOf(path string) Kind {
	switch {
	case strings.HasPrefix(path, "/v1.0/"):
		return KindGraph
	case strings.HasSuffix(path, "/.well-known/openid-configuration"):
		return KindMetadata
	case strings.HasSuffix(path, "/oauth2/v2.0/token"), strings.HasSuffix(path, "/oauth2/token"):
		return KindToken
	case strings.HasSuffix(path, "/oauth2/v2.0/devicecode"):
		return KindDeviceCode
	}
	return KindOther
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	kind := kindOf(r.URL.Path)
	resource := ""
	if kind == KindToken && r.Method == http.MethodPost {
		_ = r.ParseForm() // token() reads the parsed form again
		resource = resourceApp(resourceOf(r.PostForm.Get("scope")))
	}
	s.mu.Lock()
	s.counts[kind]++
	if r.ProtoMajor == 2 {
		s.http2++
	}
	s.inflight[kind]++
	if s.inflight[kind] > s.maxInflight[kind] {
		s.maxInflight[kind] = s.inflight[kind]
	}
	wave := s.doneWave + 1
	s.maxWave = max(s.maxWave, wave)
	latency := s.latency
	var fault *Fault
	for _, f := range s.faults {
		if f.Kind == kind && strings.Contains(r.URL.Path, f.PathContains) && (f.Times == 0 || f.used < f.Times) &&
			(f.Resource == "" || resourceApp(f.Resource) == resource) {
			f.used++
			cp := f.Fault
			fault = &cp
			break
		}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inflight[kind]--
		s.doneWave = max(s.doneWave, wave)
		s.mu.Unlock()
	}()

	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if !s.waitBarrier(r, kind) {
		return
	}
	if fault != nil && s.applyFault(w, r, kind, fault) {
		return
	}
	s.route(w, r.WithContext(withFault(r.Context(), fault)), kind)
}

func (s *Server) waitBarrier(r *http.Request, kind Kind) bool {
	s.mu.Lock()
	b := s.barriers[kind]
	if b == nil {
		s.mu.Unlock()
		return true
	}
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	ch := b.ch
	b.arrived++
	if b.arrived >= b.n {
		close(ch)
		b.ch, b.arrived = nil, 0
	}
	s.mu.Unlock()
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	case <-r.Context().Done():
		return false
	}
	return true
}

type faultKey struct{}

func withFault(ctx context.Context, f *Fault) context.Context {
	if f == nil {
		return ctx
	}
	return context.WithValue(ctx, faultKey{}, f)
}

func faultOf(r *http.Request) *Fault {
	f, _ := r.Context().Value(faultKey{}).(*Fault)
	return f
}

// applyFault answers the request according to f; false means the normal
// handler still has to run (with the fault in the request's context).
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, kind Kind, f *Fault) bool {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	switch {
	case f.Hangup:
		panic(http.ErrAbortHandler)
	case f.Body != "":
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
	case f.Truncate:
		rec := httptest.NewRecorder()
		s.route(rec, r, kind)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		b := rec.Body.Bytes()
		_, _ = w.Write(b[:len(b)/2])
	case f.AADSTS != 0:
		s.entraError(w, r, f.AADSTS, "the simulated directory")
	case f.Status != 0:
		if kind == KindGraph {
			// TooManyRequests is the code of Graph's throttling answer
			// (https://learn.microsoft.com/en-us/graph/throttling);
			// serviceNotAvailable and generalException are in Microsoft
			// Graph error responses (https://learn.microsoft.com/en-us/graph/errors).
			code := map[int]string{429: "TooManyRequests", 503: "serviceNotAvailable", 500: "generalException"}[f.Status]
			if code == "" {
				code = "UnknownError"
			}
			graphError(w, r, f.Status, code, http.StatusText(f.Status))
			return true
		}
		entraStatus(w, r, f.Status)
	default:
		return false // e.g. Claims: the handler applies it
	}
	return true
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, kind Kind) {
	switch kind {
	case KindMetadata:
		s.metadata(w, r)
	case KindToken:
		s.token(w, r)
	case KindDeviceCode:
		s.deviceCode(w, r)
	case KindGraph:
		s.graph(w, r)
	default:
		if strings.HasSuffix(r.URL.Path, "/discovery/v2.0/keys") {
			writeJSON(w, http.StatusOK, map[string]any{"keys": []any{jwk(&s.key.PublicKey, s.kid)}})
			return
		}
		http.NotFound(w, r)
	}
}

// tenantSegment is the first path segment: the tenant as addressed.
func tenantSegment(path string) string {
	p := strings.TrimPrefix(path, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		p = p[:i]
	}
	u, err := url.PathUnescape(p)
	if err != nil {
		return p
	}
	return u
}

// validTenantIdentifier is Entra's own test before AADSTS900023: the
// tenant is addressed "in GUID or domain-name format" (client credentials
// flow, above); anything else is refused with 900023 (observed, see
// entraErrors). A GUID or
// something shaped like a DNS name.
func validTenantIdentifier(s string) bool {
	if isGUID(s) {
		return true
	}
	if !strings.Contains(s, ".") || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// findTenant resolves the addressed tenant or answers the Entra error.
func (s *Server) findTenant(w http.ResponseWriter, r *http.Request) (Tenant, bool) {
	seg := tenantSegment(r.URL.Path)
	if !validTenantIdentifier(seg) {
		s.entraError(w, r, 900023, seg)
		return Tenant{}, false
	}
	t, ok := s.tenant(seg)
	if !ok {
		s.entraError(w, r, 90002, seg)
	}
	return t, ok
}

// metadata answers the tenant's OpenID configuration with the fields of
// the sample document in OpenID Connect on the Microsoft identity platform
// ("Find your app's OpenID configuration document URI", above), for the
// host it was asked on; MSAL reads token_endpoint from it (and derives
// the device-code endpoint from that). The Cache-Control header is
// observed (MetadataCacheControl).
func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	t, ok := s.findTenant(w, r)
	if !ok {
		return
	}
	base := "https://" + r.Host
	tid := t.ID
	s.mu.Lock()
	w.Header().Set("Cache-Control", s.metadataCC)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/" + tid + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/" + tid + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                base + "/" + tid + "/v2.0",
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     s.ts.URL + "/oidc/userinfo",
		"authorization_endpoint":                base + "/" + tid + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/" + tid + "/oauth2/v2.0/devicecode",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  base + "/" + tid + "/oauth2/v2.0/logout",
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "tid", "ver", "oid", "roles"},
		"kerberos_endpoint":                     base + "/" + tid + "/kerberos",
		"tenant_region_scope":                   "EU",
		"cloud_instance_name":                   "microsoftonline.com",
		"cloud_graph_host_name":                 "graph.windows.net",
		"msgraph_host":                          "graph.microsoft.com",
		"rbac_url":                              "https://pas.windows.net",
	})
}

// postedForm checks what the token and device-code endpoints both
// require first — a POST, a known tenant, a form body (named by the field
// Entra ID says is missing when the body cannot be read) — and answers
// the error itself when one fails.
func (s *Server) postedForm(w http.ResponseWriter, r *http.Request, field string) (Tenant, bool) {
	if r.Method != http.MethodPost {
		s.entraError(w, r, 900561, "")
		return Tenant{}, false
	}
	t, ok := s.findTenant(w, r)
	if !ok {
		return Tenant{}, false
	}
	if err := r.ParseForm(); err != nil {
		s.entraError(w, r, 900144, field)
		return Tenant{}, false
	}
	return t, true
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	t, ok := s.postedForm(w, r, "grant_type")
	if !ok {
		return
	}
	if isDeviceCodeGrant(r.PostForm.Get("grant_type")) {
		s.deviceCodeToken(w, r, t)
		return
	}
	if g := r.PostForm.Get("grant_type"); g != "client_credentials" {
		s.entraError(w, r, 70003, g)
		return
	}
	scope := r.PostForm.Get("scope")
	resource := resourceOf(scope)
	if resource == "" {
		s.entraError(w, r, 1002012, scope)
		return
	}
	clientID := r.PostForm.Get("client_id")
	secret := r.PostForm.Get("client_secret")
	if clientID == "" {
		s.entraError(w, r, 900144, "client_id")
		return
	}
	s.mu.Lock()
	now := s.now()
	var app App
	a := t.app(clientID)
	if a != nil {
		app = *a
	}
	s.mu.Unlock()
	if a != nil && s.refusedWhileReplicating(w, r, t, app, resourceApp(resource)) {
		return
	}
	// The order of the checks is Entra ID's as observed: the app, then
	// its secret, then its service principal and the resource; the
	// reference gives none.
	switch {
	case a == nil:
		s.entraError(w, r, 700016, fmt.Sprintf("%s|%s", clientID, t.DisplayName))
		return
	case app.Disabled && app.ServicePrincipalID != "":
		s.entraError(w, r, 7000112, fmt.Sprintf("%s|%s", clientID, app.DisplayName))
		return
	case secret == "":
		s.entraError(w, r, 7000216, "")
		return
	}
	var match *Secret
	for i := range app.Secrets {
		if app.Secrets[i].Value == secret {
			match = &app.Secrets[i]
		}
	}
	resApp := resourceApp(resource)
	switch {
	case match == nil:
		s.entraError(w, r, 7000215, clientID)
		return
	case !match.EndDateTime.IsZero() && !now.Before(match.EndDateTime):
		s.entraError(w, r, 7000222, clientID)
		return
	case app.ServicePrincipalID == "":
		// An App registration without a service principal in the tenant:
		// 401 invalid_client AADSTS7000229 once the secret checks out
		// (see entraErrors for the sources).
		s.entraError(w, r, 7000229, clientID+"|"+t.ID)
		return
	case resApp == "" || slices.Contains(t.MissingResources, resApp):
		// 400 invalid_resource: the resource's service principal is not
		// in the tenant (Microsoft Entra error codes reference,
		// https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes).
		s.entraError(w, r, 500011, resource+"|"+t.DisplayName)
		return
	case t.Block == BlockConditionalAccess || slices.Contains(t.BlockedResources, resApp):
		// A policy for workload identities can target every resource or
		// one (Conditional Access: target resources,
		// https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-conditional-access-cloud-apps):
		// then the Teams admin API's token is refused while Graph's is not.
		s.entraError(w, r, 53003, "")
		return
	case t.Block == BlockSecurityDefaults:
		s.entraError(w, r, 530035, "")
		return
	}
	// An app-only token as Microsoft Graph gets it: a v1.0 token (ver,
	// appid, iss sts.windows.net, idtyp app, oid the service principal;
	// Access token claims reference,
	// https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference;
	// v1.0 for Graph observed, e.g.
	// https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/1782).
	// The Skype and Teams Tenant Admin API's token has the same shape
	// (observed); the validator only checks that it is issued.
	iss := "https://sts.windows.net/" + t.ID + "/"
	claims := map[string]any{
		"aud": strings.TrimSuffix(resource, "/"), "iss": iss, "idp": iss,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(3599 * time.Second).Unix(),
		"aio": randomid.GUID(), "app_displayname": app.DisplayName,
		"appid": app.AppID, "appidacr": "1", "idtyp": "app",
		"oid": app.ServicePrincipalID, "sub": app.ServicePrincipalID,
		"rh": "0.sim", "tid": t.ID, "uti": randomid.GUID()[:22], "ver": "1.0",
		// wids: the template IDs of the built-in roles assigned to the
		// service principal (access token claims reference,
		// https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference),
		// beside RoleDefaultAppToken, present in every app token (observed).
		"wids": append(append([]string{}, app.Roles...), RoleDefaultAppToken),
	}
	// roles: the application permissions granted on this resource, absent
	// when there are none (access token claims reference, above): the app
	// holds Graph permissions, none on the Teams admin API.
	if resApp == ResourceGraph && len(app.Permissions) > 0 {
		claims["roles"] = app.Permissions
	}
	f := faultOf(r)
	if f != nil {
		for k, v := range f.Claims {
			if v == nil {
				delete(claims, k)
			} else {
				claims[k] = v
			}
		}
	}
	var at string
	if t.OpaqueTokens || (f != nil && f.Opaque) {
		at = s.opaqueToken(claims)
	} else {
		var err error
		if at, err = signJWT(s.key, s.kid, claims); err != nil {
			http.Error(w, "signing failed", http.StatusInternalServerError)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": at,
	})
}

// resourceOf is the resource a client-credentials scope names: the one
// scope ending in /.default (MSAL may add others such as offline_access).
func resourceOf(scope string) string {
	for _, sc := range strings.Fields(scope) {
		if r, ok := strings.CutSuffix(sc, "/.default"); ok {
			return r
		}
	}
	return ""
}

// opaqueToken issues a reference token: a random string (no dots, so it
// is no JWS) whose claims only the server knows.
func (s *Server) opaqueToken(claims map[string]any) string {
	tok := "simopaque_" + strings.ReplaceAll(randomid.GUID()+randomid.GUID(), "-", "")
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.opaque) >= 10000 {
		s.opaque = map[string]map[string]any{}
	}
	s.opaque[tok] = claims
	return tok
}

// opaqueClaims returns the claims of an opaque token the server issued.
func (s *Server) opaqueClaims(tok string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.opaque[tok]
	return c, ok
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	// Every answer but a success that says otherwise (the OpenID
	// configuration) is not to be stored: Entra ID's and Graph's answers
	// carry no-store, no-cache (observed).
	if status != http.StatusOK || w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-store, no-cache")
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
