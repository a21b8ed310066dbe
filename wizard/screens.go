package wizard

// The one table of the wizard's screens: the main menu and the accessible
// mode's menu are both read from it, so adding a screen is one row here
// (and its file).

// screenDef is one screen: where the root routes to, its menu entry, the
// full-screen constructor and the accessible mode's speaking of it.
type screenDef struct {
	state state
	// label and desc are its main-menu entry ("" = not in the menu).
	label, desc string
	open        func(c *common, n navMsg) screen
	speak       func(a *accessible) error
}

var screenTable []screenDef

// The table is filled in init: its constructors reach the main menu, which
// reads the table.
func init() {
	screenTable = []screenDef{
		{state: stateAdd, label: "Add service", desc: "onboard a customer's tenant (Direct Routing)",
			open: func(c *common, n navMsg) screen { return newAddFlow(c, n.demo) }, speak: (*accessible).addService},
		{state: stateServices, label: "Services", desc: "find a service, open its page",
			open: func(c *common, _ navMsg) screen { return newServicesScreen(c) }, speak: (*accessible).services},
		{state: stateCustomers, label: "Customers", desc: "list, add, rename, delete",
			open: func(c *common, _ navMsg) screen { return newCustomersScreen(c) }, speak: (*accessible).customers},
		{state: stateExpiry, label: "Secret expiry", desc: "secrets by days until expire, validate all",
			open: func(c *common, _ navMsg) screen { return newExpiryScreen(c) }, speak: (*accessible).expiry},
		{state: stateAudit, label: "Audit trail", desc: "who changed what, when",
			open: func(c *common, _ navMsg) screen { return newAuditScreen(c) }, speak: (*accessible).audit},
		{state: stateMenu,
			open: func(c *common, _ navMsg) screen { return newMenuScreen(c) }},
		{state: stateDemo,
			open: func(c *common, _ navMsg) screen { return newDemoScreen(c) }},
		{state: statePortal,
			open: func(c *common, n navMsg) screen { return newPortalScreen(c, n.service, n.from) }},
	}
}

// screenOf is the row of a state.
func screenOf(s state) screenDef {
	for _, d := range screenTable {
		if d.state == s {
			return d
		}
	}
	return screenOf(stateMenu)
}

// menuEntries are the rows the main menu lists, in order.
func menuEntries() []screenDef {
	var out []screenDef
	for _, d := range screenTable {
		if d.label != "" {
			out = append(out, d)
		}
	}
	return out
}
