package usecase_test

import (
	"context"
	"testing"

	"onboard/store/storetest"
	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
)

// plainStore hides its backend's Importer.
type plainStore struct{ usecase.Store }

// A target that cannot import is refused before anything is written to it.
func TestCopyInventoryNeedsAnImporter(t *testing.T) {
	r := newRig(t, entrasim.Demo(testNow))
	r.add(t, "ctso-01", "Contoso Ltd", demo(t, "Contoso"))
	to := storetest.Bolt(t, nowFn)
	if _, err := usecase.CopyInventory(context.Background(), r.st, plainStore{to}, usecase.CopyOptions{}); err == nil {
		t.Fatal("copied into a target without an Importer")
	}
	if cs, err := to.ListCustomers(); err != nil || len(cs) != 0 {
		t.Errorf("the target was written: %v %v", cs, err)
	}
}
