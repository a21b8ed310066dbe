package wizard

import (
	"context"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
)

// Work that talks to Entra ID (a validation, Validate all) runs off the UI
// goroutine, through a use case. Its checks come back one message at a
// time through a channel the screen keeps reading (the usual Bubble Tea
// "wait for activity" command). Each run has an id so that a cancelled
// run's late messages are recognised and dropped.

type checkMsg struct {
	run   int
	check tenant.Check
}

// doneMsg carries what the use case returned.
type doneMsg struct {
	run    int
	result any
	err    error
}

// job is one piece of background work in flight.
type job struct {
	run    int
	cancel context.CancelFunc
	ch     chan tea.Msg
	done   chan struct{} // closed when the work has returned
}

var (
	runMu   sync.Mutex
	lastRun int
)

func nextRun() int {
	runMu.Lock()
	defer runMu.Unlock()
	lastRun++
	return lastRun
}

// startJob runs work in the background. work tags its messages with run
// and hands them to send, which drops them once the job is cancelled (the
// screen no longer listens). The job's channel closes when work returns.
func startJob(work func(ctx context.Context, run int, send func(tea.Msg))) *job {
	ctx, cancel := context.WithCancel(context.Background())
	j := &job{run: nextRun(), cancel: cancel, ch: make(chan tea.Msg, 64), done: make(chan struct{})}
	go func() {
		defer close(j.done)
		defer close(j.ch)
		work(ctx, j.run, func(m tea.Msg) {
			select {
			case j.ch <- m:
			case <-ctx.Done():
			}
		})
	}()
	return j
}

// startChecks runs a use case that reports checks as they complete; its
// result arrives as a doneMsg.
func startChecks(call func(ctx context.Context, progress func(tenant.Check)) (any, error)) (*job, tea.Cmd) {
	j := startJob(func(ctx context.Context, run int, send func(tea.Msg)) {
		res, err := call(ctx, func(c tenant.Check) { send(checkMsg{run: run, check: c}) })
		send(doneMsg{run: run, result: res, err: err})
	})
	return j, j.next()
}

// next waits for the job's next message.
func (j *job) next() tea.Cmd {
	ch := j.ch
	return func() tea.Msg {
		m, ok := <-ch
		if !ok {
			return nil
		}
		return m
	}
}

// stop cancels the network calls of the job, if any.
func (j *job) stop() {
	if j != nil && j.cancel != nil {
		j.cancel()
	}
}

// wait returns when the job's work has returned: for work that writes
// after a cancel (Validate all records what had arrived), so that nothing
// reads the store, or closes it, before that write.
func (j *job) wait() {
	if j != nil && j.done != nil {
		<-j.done
	}
}
