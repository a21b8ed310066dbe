package usecase

import (
	"context"

	"onboard/tenant"
)

// validateInBatches is the validator's ValidateMany for ValidateAll, which
// saves what it gets: each is called (never concurrently) with every
// validation that finished while its previous call ran, so a slow write
// (one transaction, one fsync) is paid per batch rather than per service,
// and never holds up the validations. Every report delivered is handed to
// each before it returns; validations cut short by a cancellation are not
// delivered (ValidateMany).
func validateInBatches(ctx context.Context, v Validator, services []tenant.Service, concurrency int, each func([]Validated)) {
	queue := make(chan Validated, len(services))
	written := make(chan struct{})
	go func() {
		defer close(written)
		inBatches(queue, each)
	}()
	v.ValidateMany(ctx, services, concurrency, func(s tenant.Service, r *tenant.ValidationReport) {
		queue <- Validated{Service: s, Report: r}
	})
	close(queue)
	<-written
}

// inBatches calls each with everything waiting in q (at least one value),
// again and again, until q is closed and drained.
func inBatches[T any](q <-chan T, each func([]T)) {
	for first := range q {
		batch := []T{first}
	waiting:
		for {
			select {
			case x, ok := <-q:
				if !ok {
					break waiting
				}
				batch = append(batch, x)
			default:
				break waiting
			}
		}
		each(batch)
	}
}
