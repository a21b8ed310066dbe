package wizard

import "github.com/charmbracelet/lipgloss"

// Semantic colours: views ask for what a thing means (an error, a faint
// hint), never for a colour code. Adaptive colours keep both light and dark
// terminals readable; with NO_COLOR lipgloss renders none of them.
var (
	colorPrimary = lipgloss.AdaptiveColor{Light: "#1a1a1a", Dark: "#e8e8e8"}
	colorFaint   = lipgloss.AdaptiveColor{Light: "#767676", Dark: "#8a8a8a"}
	colorAccent  = lipgloss.AdaptiveColor{Light: "#5a3fc0", Dark: "#a48bff"}
	colorSuccess = lipgloss.AdaptiveColor{Light: "#1f7a1f", Dark: "#5fd75f"}
	colorWarning = lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#ffaf00"}
	colorError   = lipgloss.AdaptiveColor{Light: "#c62828", Dark: "#ff5f5f"}
	colorNotice  = lipgloss.AdaptiveColor{Light: "#b35c00", Dark: "#ffd75f"}
)

// styles is the one set of styles every screen renders with.
type styles struct {
	PrimaryText lipgloss.Style
	Faint       lipgloss.Style
	Accent      lipgloss.Style
	Success     lipgloss.Style
	Warning     lipgloss.Style
	Error       lipgloss.Style
	Notice      lipgloss.Style // a soon-expiring secret (< 30 days), less urgent than Warning
	Title       lipgloss.Style // the bar at the top of every screen
	Heading     lipgloss.Style // a section heading inside a screen
	Label       lipgloss.Style // the name of a fact or a field
	Selected    lipgloss.Style // the row or option under the cursor
	TableHead   lipgloss.Style
	Box         lipgloss.Style // frames text meant to be copied
}

func defaultStyles() styles {
	return styles{
		PrimaryText: lipgloss.NewStyle().Foreground(colorPrimary),
		Faint:       lipgloss.NewStyle().Foreground(colorFaint),
		Accent:      lipgloss.NewStyle().Foreground(colorAccent),
		Success:     lipgloss.NewStyle().Foreground(colorSuccess),
		Warning:     lipgloss.NewStyle().Foreground(colorWarning),
		Error:       lipgloss.NewStyle().Foreground(colorError),
		Notice:      lipgloss.NewStyle().Foreground(colorNotice),
		Title:       lipgloss.NewStyle().Foreground(colorAccent).Bold(true),
		Heading:     lipgloss.NewStyle().Foreground(colorPrimary).Bold(true),
		Label:       lipgloss.NewStyle().Foreground(colorFaint),
		Selected:    lipgloss.NewStyle().Foreground(colorAccent).Bold(true),
		TableHead:   lipgloss.NewStyle().Foreground(colorFaint).Bold(true),
		Box:         lipgloss.NewStyle().Border(lipgloss.NormalBorder()).BorderForeground(colorFaint).Padding(0, 1),
	}
}
