package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/tenant/entrasim"
)

// cacheHome is where the world's processes keep the HTTP cache: HOME is
// the world's, XDG_CACHE_HOME unset.
func (w *world) cacheHome() string { return filepath.Join(w.dir, "home", ".cache", "onboard") }

// metadataAfter runs onboard and returns how many metadata requests it
// made; it must exit 0.
func (w *world) metadataAfter(t *testing.T, env []string, args ...string) int {
	t.Helper()
	w.srv.ResetCounts()
	if r := w.run(t, "", env, args...); r.code != 0 {
		t.Fatalf("onboard %s: %s", strings.Join(args, " "), r)
	}
	return w.srv.Count(entrasim.KindMetadata)
}

// TestCacheAcrossProcesses: a second onboard process validating a known
// tenant asks for no metadata (both tokens, then one Graph wave);
// --no-cache and ONBOARD_NO_CACHE skip the cache for one run; `cache
// clear` empties it; XDG_CACHE_HOME moves it.
func TestCacheAcrossProcesses(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.seedService(t, "Contoso Ltd", "CON1", fxHealthy, fxHealthy.secret)

	if n := w.metadataAfter(t, nil, "validate", "CON1"); n != 1 {
		t.Fatalf("first process: %d metadata requests, want 1", n)
	}
	if _, err := os.Stat(w.cacheHome()); err != nil {
		t.Fatalf("no cache in ~/.cache/onboard: %v", err)
	}
	// Both tokens in flight together, then the Graph wave together: a
	// process that sent them one by one would stall at the barriers.
	w.srv.SetBarrier(entrasim.KindToken, 2)
	w.srv.SetGraphBarrier(4)
	if n := w.metadataAfter(t, nil, "validate", "CON1"); n != 0 {
		t.Errorf("second process: %d metadata requests, want 0", n)
	}
	c := w.srv.Counts()
	if c[entrasim.KindToken] != 2 || c[entrasim.KindGraph] != 4 || w.srv.MaxInFlight(entrasim.KindToken) != 2 || w.srv.MaxInFlight(entrasim.KindGraph) != 4 {
		t.Errorf("second process: %v, tokens together %d, Graph together %d; want 2 tokens together, then 4 Graph calls together",
			c, w.srv.MaxInFlight(entrasim.KindToken), w.srv.MaxInFlight(entrasim.KindGraph))
	}
	w.srv.SetBarrier(entrasim.KindToken, 0)
	w.srv.SetGraphBarrier(0)

	if n := w.metadataAfter(t, nil, "--no-cache", "validate", "CON1"); n != 1 {
		t.Errorf("--no-cache: %d metadata requests, want 1", n)
	}
	for _, v := range []string{"1", "true"} {
		if n := w.metadataAfter(t, []string{"ONBOARD_NO_CACHE=" + v}, "validate", "CON1"); n != 1 {
			t.Errorf("ONBOARD_NO_CACHE=%s: %d metadata requests, want 1", v, n)
		}
	}
	if n := w.metadataAfter(t, []string{"ONBOARD_NO_CACHE=0"}, "validate", "CON1"); n != 0 {
		t.Errorf("ONBOARD_NO_CACHE=0: %d metadata requests, want 0", n)
	}
	if n := w.metadataAfter(t, []string{"ONBOARD_NO_CACHE=1"}, "--no-cache=false", "validate", "CON1"); n != 0 {
		t.Errorf("--no-cache=false over ONBOARD_NO_CACHE=1: %d metadata requests, want 0 (the flag wins)", n)
	}
	w.srv.ResetCounts()
	if r := w.run(t, "", []string{"ONBOARD_NO_CACHE=maybe"}, "validate", "CON1"); r.code != 2 || !strings.Contains(r.stderr, "ONBOARD_NO_CACHE") {
		t.Errorf("ONBOARD_NO_CACHE=maybe: want exit 2 naming it\n%s", r)
	}
	if n := w.networkCalls(); n != 0 {
		t.Errorf("%d requests after a usage error", n)
	}

	r := w.must(t, 0, "", "cache", "clear")
	if !strings.Contains(r.stdout, w.cacheHome()) || strings.Contains(r.stdout, "(0 files") {
		t.Errorf("cache clear said:\n%s", r)
	}
	if n := w.metadataAfter(t, nil, "validate", "CON1"); n != 1 {
		t.Errorf("after cache clear: %d metadata requests, want 1", n)
	}
	if r := w.must(t, 0, "", "cache", "clear"); !strings.Contains(r.stdout, "files removed") {
		t.Errorf("second cache clear:\n%s", r)
	}

	xdg := filepath.Join(w.dir, "xdg-cache")
	env := []string{"XDG_CACHE_HOME=" + xdg}
	w.metadataAfter(t, env, "validate", "CON1")
	if n := w.metadataAfter(t, env, "validate", "CON1"); n != 0 {
		t.Errorf("with XDG_CACHE_HOME: second process made %d metadata requests", n)
	}
	if _, err := os.Stat(filepath.Join(xdg, "onboard")); err != nil {
		t.Errorf("XDG_CACHE_HOME not used: %v", err)
	}
}

// TestUnusableCacheNeverFails: a cache path that is not a directory, or
// a cache file damaged on disk, costs the metadata request and nothing
// else: the validation passes and is recorded.
func TestUnusableCacheNeverFails(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.seedService(t, "Contoso Ltd", "CON1", fxHealthy, fxHealthy.secret)
	if err := os.MkdirAll(filepath.Dir(w.cacheHome()), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.cacheHome(), []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if n := w.metadataAfter(t, nil, "validate", "CON1"); n != 1 {
			t.Errorf("cache path is a file: %d metadata requests, want 1", n)
		}
	}
	if r := w.run(t, "", nil, "cache", "clear"); r.code != 1 || !strings.Contains(r.stderr, w.cacheHome()) {
		t.Errorf("cache clear of a file: want exit 1 naming it\n%s", r)
	}

	if err := os.Remove(w.cacheHome()); err != nil {
		t.Fatal(err)
	}
	w.metadataAfter(t, nil, "validate", "CON1")
	damaged := 0
	_ = filepath.WalkDir(w.cacheHome(), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			damaged++
			return os.WriteFile(p, []byte("garbage"), 0o600)
		}
		return nil
	})
	if damaged == 0 {
		t.Fatal("nothing was cached")
	}
	if n := w.metadataAfter(t, nil, "validate", "CON1"); n != 1 {
		t.Errorf("damaged cache: %d metadata requests, want 1", n)
	}
	if n := w.metadataAfter(t, nil, "validate", "CON1"); n != 0 {
		t.Errorf("after the damaged entry was rewritten: %d metadata requests, want 0", n)
	}
	r := w.must(t, 0, "", "services", "show", "CON1")
	if !strings.Contains(r.stdout, "pass") {
		t.Errorf("the last validation was not recorded as a pass:\n%s", r.stdout)
	}
}
