package wizard

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"onboard/tenant"
	"onboard/tenant/usecase"
)

// manySummaries makes n service summaries with varied customers,
// licenses, verdicts and expiry dates, without a store (the screen is what
// is measured).
func manySummaries(n int) []tenant.Summary {
	sums := make([]tenant.Summary, n)
	statuses := []tenant.Status{tenant.StatusPass, tenant.StatusWarn, tenant.StatusFail}
	for i := range sums {
		s := tenant.Summary{
			Name: fmt.Sprintf("svc-%05d", i), Customer: fmt.Sprintf("Customer %03d", i%700),
			License: tenant.Licenses[i%2], Users: 1 + i%500, State: tenant.StateActive, HasSecret: true,
		}
		if i%5 != 0 {
			at := testNow.Add(time.Duration(i%900-30) * 24 * time.Hour)
			last := testNow
			s.LastStatus, s.LastAt, s.SecretExpiresAt = statuses[i%3], &last, &at
		}
		sums[i] = s
	}
	return sums
}

func newTestServicesScreen(sums []tenant.Summary) *servicesScreen {
	c := newCommon(Options{Cases: usecase.New(listedStore{sums: sums}, nil, usecase.Options{Now: nowFn})})
	return newServicesScreenFrom(c, sums, nil)
}

func keyRunes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestServicesFilterAndSort(t *testing.T) {
	s := newTestServicesScreen(manySummaries(1000))
	if got := len(s.shown); got != 1000 {
		t.Fatalf("shown %d, want all 1000", got)
	}
	for _, r := range "customer 042" {
		s.update(keyRunes(string(r)))
	}
	if got := len(s.shown); got != 2 { // services 42 and 742
		t.Fatalf("filter %q shows %d rows, want 2", s.filter.Value(), got)
	}
	for _, i := range s.shown {
		if s.rows[i].Customer != "Customer 042" {
			t.Errorf("row %s of %s matches the filter", s.rows[i].Name, s.rows[i].Customer)
		}
	}
	s.update(tea.KeyMsg{Type: tea.KeyEsc}) // clears the filter first
	if len(s.shown) != 1000 {
		t.Fatalf("Esc did not clear the filter")
	}

	// tab cycles the sort column; days until expire puts unknown last.
	for s.sortBy != sortDays {
		s.update(tea.KeyMsg{Type: tea.KeyTab})
	}
	seenUnknown, prevDays := false, -1<<31
	for _, i := range s.shown {
		d := s.rows[i].nDays
		switch {
		case d == nil:
			seenUnknown = true
		case seenUnknown:
			t.Fatalf("sorted by days: %s (%d days) after an unknown expiry", s.rows[i].Name, *d)
		case *d < prevDays:
			t.Fatalf("sorted by days: %d after %d", *d, prevDays)
		default:
			prevDays = *d
		}
	}
	if !seenUnknown || prevDays == -1<<31 {
		t.Fatal("the test data lacks known or unknown expiries")
	}
	s.update(tea.KeyMsg{Type: tea.KeyShiftTab})
	if first := s.rows[s.shown[0]]; first.nDays != nil {
		t.Errorf("reversed: first %v, want unknown", first.nDays)
	}

	for s.sortBy != sortUsers {
		s.update(tea.KeyMsg{Type: tea.KeyTab})
	}
	prev := 0
	for _, i := range s.shown {
		if s.rows[i].nUsers < prev {
			t.Fatalf("not sorted by users: %d after %d", s.rows[i].nUsers, prev)
		}
		prev = s.rows[i].nUsers
	}
}

func TestServicesViewFitsTheTerminal(t *testing.T) {
	s := newTestServicesScreen(manySummaries(10000))
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
		s.c.width, s.c.height = size[0], size[1]
		v := s.view()
		lines := strings.Split(v, "\n")
		if len(lines) > s.c.bodyHeight() {
			t.Errorf("%dx%d: %d lines, body has %d", size[0], size[1], len(lines), s.c.bodyHeight())
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Errorf("%dx%d: line of %d cells: %q", size[0], size[1], w, l)
			}
		}
	}
}

// Targets (the target: a frame in < 16 ms with 10,000 services).

func BenchmarkServicesView10k(b *testing.B) {
	s := newTestServicesScreen(manySummaries(10000))
	b.ResetTimer()
	for b.Loop() {
		_ = s.view()
	}
}

func BenchmarkServicesFilterKeystroke10k(b *testing.B) {
	s := newTestServicesScreen(manySummaries(10000))
	keys := []tea.KeyMsg{keyRunes("7"), {Type: tea.KeyBackspace}}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		s.update(keys[i%2])
		_ = s.view()
		i++
	}
}

func BenchmarkServicesRootFrame10k(b *testing.B) {
	// The whole frame as Bubble Tea asks for it: title, table, help line.
	c := newCommon(Options{Cases: usecase.New(listedStore{}, nil, usecase.Options{Now: nowFn})})
	m := &model{common: c, state: stateServices, screen: newServicesScreenFrom(c, manySummaries(10000), nil)}
	b.ResetTimer()
	for b.Loop() {
		m.Update(keyRunes("9"))
		_ = m.View()
		m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
		_ = m.View()
	}
}

// BenchmarkServicesScreenBuild10k: building the rows (cells, search keys,
// sort) when the screen opens; the store's ListServices comes on top.
func BenchmarkServicesScreenBuild10k(b *testing.B) {
	svcs := manySummaries(10000)
	c := newCommon(Options{Cases: usecase.New(listedStore{}, nil, usecase.Options{Now: nowFn})})
	b.ResetTimer()
	for b.Loop() {
		_ = newServicesScreenFrom(c, svcs, nil)
	}
}

// listedStore serves a fixed list of summaries, to measure the screens
// without the store's decoding (the store has its own benchmarks).
type listedStore struct {
	usecase.Store
	sums []tenant.Summary
}

func (l listedStore) ListSummaries() ([]tenant.Summary, error) { return l.sums, nil }

// BenchmarkExpiryScreenOpen10k: the Secret expiry screen sorts every
// service by days until expire when it opens (and after Validate all).
func BenchmarkExpiryScreenOpen10k(b *testing.B) {
	c := newCommon(Options{Cases: usecase.New(listedStore{sums: manySummaries(10000)}, nil, usecase.Options{Now: nowFn})})
	b.ResetTimer()
	for b.Loop() {
		e := newExpiryScreen(c)
		_ = e.view()
	}
}
