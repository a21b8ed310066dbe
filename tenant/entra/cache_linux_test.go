//go:build linux

package entra_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"onboard/tenant"
	"onboard/tenant/entrasim"
)

// fsImmutable is FS_IMMUTABLE_FL (linux/fs.h): nobody, root included, may
// change the file or directory, nor add or remove a directory's entries.
const fsImmutable = 0x00000010

// setImmutable makes p impossible to change (on) or changeable again:
// permission bits for an ordinary user; for root, whom they do not stop,
// the immutable attribute.
func setImmutable(p string, on bool) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		mode := os.FileMode(0o600)
		if fi.IsDir() {
			mode = 0o700
		}
		if on {
			mode &^= 0o200
		}
		return os.Chmod(p, mode)
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	flags, err := unix.IoctlGetUint32(int(f.Fd()), unix.FS_IOC_GETFLAGS)
	if err != nil {
		return err
	}
	if on {
		flags |= fsImmutable
	} else {
		flags &^= fsImmutable
	}
	return unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, int(flags))
}

// readOnly makes dir and everything in it impossible to change, for the
// test's lifetime.
func readOnly(t *testing.T, dir string) {
	t.Helper()
	var paths []string
	_ = filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err == nil {
			paths = append(paths, p)
		}
		return nil
	})
	for _, p := range paths {
		if err := setImmutable(p, true); err != nil {
			t.Skipf("cannot make %s read-only: %v", p, err)
		}
		t.Cleanup(func() { _ = setImmutable(p, false) })
	}
	f, err := os.CreateTemp(dir, "probe")
	if err == nil {
		f.Close()
		os.Remove(f.Name())
		t.Skipf("%s is still writable", dir)
	}
}

// TestReadOnlyCacheOnlyCostsSpeed: a cache directory that cannot be
// written never fails a validation: with nothing in it every process
// fetches the metadata (one debug line each); what it already holds is
// still used; a cache "directory" that is a file is bypassed.
func TestReadOnlyCacheOnlyCostsSpeed(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		r := cacheRig(t)
		c := demoCreds(t, r.now, "Contoso")
		if err := os.MkdirAll(r.cfg.CacheDir, 0o700); err != nil {
			t.Fatal(err)
		}
		readOnly(t, r.cfg.CacheDir)
		for i := 1; i <= 2; i++ {
			mustStatus(t, r.process(), c, tenant.StatusPass)
			if got := r.srv.Count(entrasim.KindMetadata); got != i {
				t.Errorf("after %d validations: %d metadata requests", i, got)
			}
			if n := strings.Count(r.log.String(), "HTTP cache bypassed"); n != i {
				t.Errorf("%d debug lines about the cache after %d processes, want one each:\n%s", n, i, r.log)
			}
		}
	})
	t.Run("holding the tenant", func(t *testing.T) {
		r := cacheRig(t)
		c := demoCreds(t, r.now, "Contoso")
		mustStatus(t, r.process(), c, tenant.StatusPass)
		readOnly(t, r.cfg.CacheDir)
		r.srv.ResetCounts()
		mustStatus(t, r.process(), c, tenant.StatusPass)
		counts(t, r, 0, 2, 4)
		// A tenant it does not hold is fetched; storing it fails once.
		r.srv.ResetCounts()
		mustStatus(t, r.process(), demoCreds(t, r.now, "Fabrikam"), tenant.StatusPass)
		counts(t, r, 1, 2, 4)
		if n := strings.Count(r.log.String(), "HTTP cache bypassed"); n != 1 {
			t.Errorf("%d debug lines about the cache, want 1:\n%s", n, r.log)
		}
	})
	t.Run("a file", func(t *testing.T) {
		r := cacheRig(t)
		c := demoCreds(t, r.now, "Contoso")
		if err := os.WriteFile(r.cfg.CacheDir, []byte("not a directory"), 0o600); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 2; i++ {
			mustStatus(t, r.process(), c, tenant.StatusPass)
			if got := r.srv.Count(entrasim.KindMetadata); got != i {
				t.Errorf("after %d validations: %d metadata requests", i, got)
			}
		}
		if n := strings.Count(r.log.String(), "HTTP cache bypassed"); n != 2 {
			t.Errorf("%d debug lines about the cache, want one per process:\n%s", n, r.log)
		}
	})
}
