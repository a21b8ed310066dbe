package entra

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Retry policy of docs/validation.md: only throttling (429) and "temporarily
// unavailable" (503) are retried, honouring Retry-After, at most three tries
// of a request and ten seconds of waiting in all for a validation, and never
// past the caller's deadline.
const (
	maxTries          = 3
	maxRetryWait      = 10 * time.Second
	defaultRetryAfter = time.Second
)

// retryTransport wraps the shared transport for both MSAL and Graph, so the
// token request and the Graph calls follow one retry policy.
type retryTransport struct {
	base http.RoundTripper
	// sleep waits d or until ctx ends; replaceable in tests.
	sleep func(ctx context.Context, d time.Duration) error
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if l := retriesFrom(ctx); l != nil {
		l.sent(req.URL.Path)
	}
	var waited time.Duration
	for try := 1; ; try++ {
		resp, err := t.base.RoundTrip(req)
		if err != nil || !retryable(resp.StatusCode) || try >= maxTries {
			return resp, err
		}
		wait := retryAfter(resp.Header.Get("Retry-After"), time.Now())
		if waited+wait > maxRetryWait {
			return resp, nil
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
			return resp, nil
		}
		if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
			return resp, nil // the body cannot be sent twice
		}
		// The ten seconds are for the whole validation, not per request:
		// parallel Graph calls draw on one budget.
		if l := retriesFrom(ctx); l != nil && !l.reserve(resp.StatusCode, wait) {
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		if err := t.wait(ctx, wait); err != nil {
			return nil, err
		}
		waited += wait
		next := req.Clone(ctx)
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			next.Body = body
		}
		req = next
	}
}

func (t *retryTransport) wait(ctx context.Context, d time.Duration) error {
	if t.sleep != nil {
		return t.sleep(ctx, d)
	}
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// CloseIdleConnections lets MSAL (and http.Client) release pooled connections.
func (t *retryTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// retryAfter reads Retry-After as delay-seconds or as an HTTP date; a
// missing or unreadable header means one second.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return defaultRetryAfter
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0
		}
		if n > int64(maxRetryWait/time.Second)+1 {
			return maxRetryWait + time.Second // more than we will ever wait
		}
		return time.Duration(n) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil {
		if d := at.Sub(now); d > 0 {
			return d
		}
		return 0
	}
	return defaultRetryAfter
}

// retryLog follows the requests of one validation: the retries made (so
// the report can say "throttled twice, then succeeded") and the last path
// sent (so an unusable answer can be placed in the token flow).
type retryLog struct {
	mu     sync.Mutex
	status []int
	waited time.Duration
	last   string
	// pastMetadata, when set, is closed as the first request past the
	// tenant's metadata (the token request) is sent.
	pastMetadata chan struct{}
}

func (l *retryLog) sent(path string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last = path
	if l.pastMetadata != nil && stageOf(path) != stageMetadata {
		close(l.pastMetadata)
		l.pastMetadata = nil
	}
}

func (l *retryLog) lastPath() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last
}

// reserve records a retry about to wait, unless the wait would take the
// validation past its retry budget.
func (l *retryLog) reserve(status int, wait time.Duration) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.waited+wait > maxRetryWait {
		return false
	}
	l.status = append(l.status, status)
	l.waited += wait
	return true
}

// count returns the number of retries and the time spent waiting.
func (l *retryLog) count() (int, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.status), l.waited
}

type retryKey struct{}

func withRetryLog(ctx context.Context, l *retryLog) context.Context {
	return context.WithValue(ctx, retryKey{}, l)
}

func retriesFrom(ctx context.Context) *retryLog {
	l, _ := ctx.Value(retryKey{}).(*retryLog)
	return l
}
