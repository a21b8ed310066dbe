// Package imports prepares a batch of usecase.Importer for either storage
// backend before its transaction opens: each service stamped by the
// rules of a saved service (usecase.NewStored), its secret sealed, its
// last validation found in its history (usecase.LastIndex) and every
// report encoded in the backend's format. It does no I/O.
package imports

import (
	"fmt"
	"time"

	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// Service is one service of a batch, ready to write.
type Service struct {
	// Service is stamped, without its secret; its LastValidation is the
	// report at Last (nil: none).
	Service tenant.Service
	// Sealed is the sealed secret (nil: none), Hint its masked form.
	Sealed []byte
	Hint   string
	// Reports are its history encoded, newest first; Last is the index of
	// its last validation among them (-1: none).
	Reports [][]byte
	Last    int
	// Detail is its audit entry's (usecase.ActionServiceCopied).
	Detail string
}

// Prepare prepares every service of batch: ready[i] is nil where errs[i]
// says why it cannot be written.
func Prepare(batch []usecase.Imported, now time.Time, engineer string, keys *seal.Keyring,
	encode func(tenant.ValidationReport) ([]byte, error)) (ready []*Service, errs []error) {
	ready, errs = make([]*Service, len(batch)), make([]error, len(batch))
	for i, im := range batch {
		ready[i], errs[i] = prepare(im, now, engineer, keys, encode)
	}
	return ready, errs
}

func prepare(im usecase.Imported, now time.Time, engineer string, keys *seal.Keyring,
	encode func(tenant.ValidationReport) ([]byte, error)) (*Service, error) {
	svc, err := usecase.NewStored(im.Service, now, engineer)
	if err != nil {
		return nil, err
	}
	p := &Service{Service: svc, Last: usecase.LastIndex(im.History, svc.LastValidation), Detail: usecase.DescribeCopied(svc, len(im.History))}
	p.Service.App.Secret, p.Service.LastValidation = tenant.Secret{}, nil
	if p.Last >= 0 {
		r := im.History[p.Last]
		p.Service.LastValidation = &r
	}
	if secret := svc.App.Secret; !secret.IsZero() {
		if p.Sealed, err = keys.Seal(svc.Name, secret); err != nil {
			return nil, err
		}
		p.Hint = secret.Masked()
	}
	for _, r := range im.History {
		enc, err := encode(r)
		if err != nil {
			return nil, fmt.Errorf("copy service %s: %w", svc.Name, err)
		}
		p.Reports = append(p.Reports, enc)
	}
	return p, nil
}
