package entra

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              time.Second,
		"0":                             0,
		"3":                             3 * time.Second,
		"-4":                            0,
		"99999":                         maxRetryWait + time.Second,
		"soon":                          time.Second,
		"Wed, 25 Nov 2026 12:00:05 GMT": 5 * time.Second,
		"Wed, 25 Nov 2026 11:00:00 GMT": 0,
	} {
		if got := retryAfter(in, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

// scripted answers requests with a fixed list of statuses.
type scripted struct {
	statuses []int
	after    string
	bodies   []string
	n        int
}

func (s *scripted) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		s.bodies = append(s.bodies, string(b))
	}
	st := s.statuses[min(s.n, len(s.statuses)-1)]
	s.n++
	h := http.Header{}
	if s.after != "" {
		h.Set("Retry-After", s.after)
	}
	return &http.Response{StatusCode: st, Header: h, Body: io.NopCloser(strings.NewReader("{}")), Request: req}, nil
}

func TestRetryTransport(t *testing.T) {
	cases := []struct {
		name     string
		statuses []int
		after    string
		deadline time.Duration
		want     int // final status
		tries    int
		waited   time.Duration
	}{
		{"success is not retried", []int{200}, "1", 0, 200, 1, 0},
		{"500 is not retried", []int{500, 200}, "1", 0, 500, 1, 0},
		{"400 is not retried", []int{400, 200}, "1", 0, 400, 1, 0},
		{"429 then success", []int{429, 200}, "2", 0, 200, 2, 2 * time.Second},
		{"503 then success", []int{503, 503, 200}, "1", 0, 200, 3, 2 * time.Second},
		{"at most three tries", []int{429, 429, 429, 200}, "1", 0, 429, 3, 2 * time.Second},
		{"at most ten seconds of waiting", []int{429, 429, 200}, "6", 0, 429, 2, 6 * time.Second},
		{"a wait beyond the budget is not started", []int{429, 200}, "11", 0, 429, 1, 0},
		{"never past the deadline", []int{429, 200}, "3", 2 * time.Second, 429, 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := &scripted{statuses: c.statuses, after: c.after}
			var slept time.Duration
			rt := &retryTransport{base: base, sleep: func(ctx context.Context, d time.Duration) error { slept += d; return nil }}
			ctx := context.Background()
			if c.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, c.deadline)
				defer cancel()
			}
			log := &retryLog{}
			ctx = withRetryLog(ctx, log)
			body := "grant_type=client_credentials"
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "https://login.example.com/t/oauth2/v2.0/token", strings.NewReader(body))
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != c.want || base.n != c.tries || slept != c.waited {
				t.Errorf("status %d after %d tries, slept %v; want %d, %d, %v", resp.StatusCode, base.n, slept, c.want, c.tries, c.waited)
			}
			for i, b := range base.bodies {
				if b != body {
					t.Errorf("try %d sent body %q", i+1, b)
				}
			}
			if n, w := log.count(); n != c.tries-1 || w != c.waited {
				t.Errorf("retry log: %d retries, %v waited", n, w)
			}
		})
	}
}

// TestRetryBudgetIsPerValidation: waits already spent by one request of a
// validation count against the next one's ten seconds.
func TestRetryBudgetIsPerValidation(t *testing.T) {
	log := &retryLog{}
	ctx := withRetryLog(context.Background(), log)
	var slept time.Duration
	sleep := func(ctx context.Context, d time.Duration) error { slept += d; return nil }
	for i, want := range []int{200, 200, 429} {
		base := &scripted{statuses: []int{429, 200}, after: "4"}
		rt := &retryTransport{base: base, sleep: sleep}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://graph.example.com/v1.0/organization", nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != want {
			t.Errorf("request %d: %d, want %d (waited so far %v)", i+1, resp.StatusCode, want, slept)
		}
	}
	if slept != 8*time.Second {
		t.Errorf("waited %v in all, want 8s", slept)
	}
}

func TestRetryTransportHonoursCancel(t *testing.T) {
	base := &scripted{statuses: []int{429, 200}, after: "5"}
	rt := &retryTransport{base: base}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://graph.example.com/v1.0/organization", nil)
	if _, err := rt.RoundTrip(req); err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if base.n != 1 {
		t.Errorf("%d tries", base.n)
	}
}
