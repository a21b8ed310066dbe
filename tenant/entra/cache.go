package entra

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bartventer/httpcache"
	"github.com/bartventer/httpcache/store"
	"github.com/bartventer/httpcache/store/driver"
	"github.com/bartventer/httpcache/store/fscache"
)

// The HTTP cache kept between runs (docs/validation.md, "Kept between
// runs"): an RFC 9111 private cache (github.com/bartventer/httpcache) on
// disk, for the documents Entra ID marks cacheable — the tenant's OpenID
// configuration, served with Cache-Control: max-age=86400, private. With
// it, a known tenant costs two round trips (both tokens; the Graph wave)
// in a new process or with a new secret, where MSAL's own copy (kept per
// client, see validate_token_msal.go) does not reach.
//
// Only GET requests for those documents ever reach the cache: tokens
// (POST, the secret in the body) and Graph answers (Authorization header)
// go past it, so nothing secret can be stored. Only a 200 JSON answer may
// be stored; anything else (AADSTS90002, 900023, a proxy's page, a body
// cut short) is marked no-store before the cache sees it. Each stored
// file carries a SHA-256 of its bytes: a damaged file is a miss, fetched
// again and rewritten. A cache directory that cannot be created, read or
// written is bypassed with one debug line: it changes the speed, never a
// report.

// cacheSubdir is where, inside the cache directory, the HTTP cache lives.
const cacheSubdir = "http"

// cacheOpTimeout bounds one read or write of the cache directory (a hung
// network file system must not hold a validation).
const cacheOpTimeout = 2 * time.Second

// maxCachedBody is the largest document kept; an OpenID configuration is
// about 2 KB.
const maxCachedBody = 256 << 10

// DefaultCacheDir is the user's cache directory for onboard:
// $XDG_CACHE_HOME/onboard, else ~/.cache/onboard.
func DefaultCacheDir() (string, error) {
	// The XDG spec says a relative XDG_CACHE_HOME is invalid and ignored.
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "onboard"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the cache directory: %w", err)
	}
	return filepath.Join(home, ".cache", "onboard"), nil
}

// ClearCache empties the cache directory dir (a Config.CacheDir) and says
// how many files it removed. A directory that does not exist is empty.
func ClearCache(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the cache directory %s: %w", dir, err)
	}
	n := 0
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		_ = filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
		if err := os.RemoveAll(p); err != nil {
			return n, fmt.Errorf("empty the cache directory %s: %w", dir, err)
		}
	}
	return n, nil
}

// cacheable says whether a request may be answered from the cache: a GET
// without credentials for the tenant's OpenID configuration or the
// instance discovery document (which MSAL does not ask for here:
// instance discovery is off, validate_token_msal.go).
func cacheable(req *http.Request) bool {
	if req.Method != http.MethodGet || req.Header.Get("Authorization") != "" ||
		(req.Body != nil && req.Body != http.NoBody) {
		return false
	}
	p := req.URL.Path
	return strings.HasSuffix(p, "/.well-known/openid-configuration") || p == "/common/discovery/instance"
}

// cacheTransport sends cacheable requests through the HTTP cache in dir
// and everything else straight to next (the retry policy). The cache is
// opened on first use, so commands that never validate never touch it.
type cacheTransport struct {
	dir  string
	next http.RoundTripper
	log  func(msg string, args ...any)

	once   sync.Once
	cached http.RoundTripper // nil: the cache could not be opened
	warned atomic.Bool
}

func newCacheTransport(dir string, next http.RoundTripper, log func(string, ...any)) *cacheTransport {
	return &cacheTransport{dir: dir, next: next, log: log}
}

func (t *cacheTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !cacheable(req) {
		return t.next.RoundTrip(req)
	}
	t.once.Do(t.open)
	if t.cached == nil {
		return t.next.RoundTrip(req)
	}
	return t.cached.RoundTrip(req)
}

// CloseIdleConnections lets MSAL (and http.Client) release pooled connections.
func (t *cacheTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (t *cacheTransport) open() {
	if err := os.MkdirAll(t.dir, 0o700); err != nil {
		t.bypass("create", err)
		return
	}
	fsc, err := fscache.Open(cacheSubdir, fscache.WithBaseDir(t.dir),
		fscache.WithConnectTimeout(cacheOpTimeout), fscache.WithTimeout(cacheOpTimeout))
	if err != nil {
		t.bypass("open", err)
		return
	}
	t.cached = cachingTransport(&checkedStore{inner: fsc, problem: t.bypass}, storeGuard{next: t.next})
}

// bypass logs the first problem with the cache directory, once: the
// validation goes on without the cache (or without the damaged entry).
func (t *cacheTransport) bypass(op string, err error) {
	if t.warned.CompareAndSwap(false, true) && t.log != nil {
		t.log("HTTP cache bypassed", "dir", t.dir, "op", op, "error", err)
	}
}

// The library opens its store from a DSN through a registry of drivers;
// the one driver registered here hands over the store this package opened.
const cacheStoreScheme = "onboard-entra"

var (
	registerCacheDriver sync.Once
	cacheHandoff        sync.Map // DSN host → driver.Conn
	cacheHandoffSeq     atomic.Uint64
)

// cachingTransport is the RFC 9111 cache over conn, asking upstream on a
// miss or to revalidate a stale entry.
func cachingTransport(conn driver.Conn, upstream http.RoundTripper) http.RoundTripper {
	registerCacheDriver.Do(func() {
		store.Register(cacheStoreScheme, driver.DriverFunc(func(u *url.URL) (driver.Conn, error) {
			c, ok := cacheHandoff.LoadAndDelete(u.Host)
			if !ok {
				return nil, errors.New("no cache store handed over")
			}
			return c.(driver.Conn), nil
		}))
	})
	id := strconv.FormatUint(cacheHandoffSeq.Add(1), 10)
	cacheHandoff.Store(id, conn)
	// The library's own logger stays silent: cacheTransport says the one
	// line that matters.
	return httpcache.NewTransport(cacheStoreScheme+"://"+id, httpcache.WithUpstream(upstream))
}

// storeGuard stands between the cache and the network: an answer that is
// not a 200 carrying a well-formed JSON document is marked no-store, so an
// error (AADSTS90002, 900023, a throttling), a proxy's page or a body cut
// short is never kept, whatever its headers say. A 304 (the answer to a
// revalidation) passes as it is.
type storeGuard struct{ next http.RoundTripper }

func (g storeGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(req)
	if err != nil || resp == nil || resp.StatusCode == http.StatusNotModified {
		return resp, err
	}
	if resp.StatusCode != http.StatusOK || !isJSON(resp.Header.Get("Content-Type")) {
		noStore(resp)
		return resp, nil
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxCachedBody+1))
	_ = resp.Body.Close()
	if rerr != nil {
		// The reader gets what arrived, then the same failure.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{rerr}))
		noStore(resp)
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if len(body) > maxCachedBody || !json.Valid(body) {
		noStore(resp)
	}
	return resp, nil
}

func noStore(resp *http.Response) { resp.Header.Set("Cache-Control", "no-store") }

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// errDamaged is a cache file whose bytes do not match their checksum.
var errDamaged = errors.New("cache file damaged (checksum mismatch)")

// checkedStore keeps a SHA-256 in front of every file it writes and checks
// it on every read: a damaged or half-written file (two processes writing
// the same entry) reads as a miss, which the cache fetches again and
// rewrites. After a write fails (a read-only directory, a full disk) it
// stops writing for the rest of the process and keeps reading.
type checkedStore struct {
	inner    driver.Conn
	problem  func(op string, err error)
	readOnly atomic.Bool
}

func (s *checkedStore) Get(key string) ([]byte, error) {
	b, err := s.inner.Get(key)
	if err != nil {
		if !errors.Is(err, driver.ErrNotExist) {
			s.problem("read", err)
		}
		return nil, err
	}
	if len(b) < sha256.Size {
		s.problem("read", errDamaged)
		return nil, errDamaged
	}
	sum, data := b[:sha256.Size], b[sha256.Size:]
	if want := sha256.Sum256(data); !bytes.Equal(sum, want[:]) {
		s.problem("read", errDamaged)
		return nil, errDamaged
	}
	return data, nil
}

func (s *checkedStore) Set(key string, value []byte) error {
	if s.readOnly.Load() {
		return errors.New("cache directory not writable")
	}
	sum := sha256.Sum256(value)
	err := s.inner.Set(key, append(sum[:], value...))
	if err != nil {
		s.readOnly.Store(true)
		s.problem("write", err)
	}
	return err
}

func (s *checkedStore) Delete(key string) error {
	if s.readOnly.Load() {
		return errors.New("cache directory not writable")
	}
	return s.inner.Delete(key)
}
