package wizard

import (
	"context"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
)

// Validation runs off the UI goroutine. Its checks come back one message at
// a time through a channel the screen keeps reading (the usual Bubble Tea
// "wait for activity" command). Each run has an id so that a cancelled
// run's late messages are recognised and dropped.

type checkMsg struct {
	run   int
	check tenant.Check
}

type reportMsg struct {
	run    int
	report *tenant.ValidationReport
}

// job is one validation in flight.
type job struct {
	run    int
	cancel context.CancelFunc
	ch     chan tea.Msg
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

// startValidation validates creds in the background and returns the job and
// the command that delivers its first message.
func startValidation(v validator, creds tenant.Credentials) (*job, tea.Cmd) {
	ctx, cancel := context.WithCancel(context.Background())
	j := &job{run: nextRun(), cancel: cancel, ch: make(chan tea.Msg, 64)}
	go func() {
		defer close(j.ch)
		send := func(m tea.Msg) {
			select {
			case j.ch <- m:
			case <-ctx.Done():
			}
		}
		r := v.Validate(ctx, creds, func(c tenant.Check) { send(checkMsg{run: j.run, check: c}) })
		send(reportMsg{run: j.run, report: r})
	}()
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
