package tenant

import (
	"fmt"
	"strings"
)

// Cloud is a Microsoft national cloud: it decides where Entra ID and Graph live.
type Cloud string

// The clouds of docs/validation.md.
const (
	CloudGlobal Cloud = "global"
	CloudUSGov  Cloud = "usgov"
	CloudUSDoD  Cloud = "usdod"
	CloudChina  Cloud = "china"
)

// Clouds lists every cloud, global first.
var Clouds = []Cloud{CloudGlobal, CloudUSGov, CloudUSDoD, CloudChina}

// Endpoints are the two base URLs validation talks to.
type Endpoints struct {
	// AuthorityHost is Entra ID's login host, without a tenant path.
	AuthorityHost string
	// GraphURL is Microsoft Graph's root, without /v1.0.
	GraphURL string
}

// Endpoints returns the cloud's Entra ID and Graph base URLs.
func (c Cloud) Endpoints() Endpoints {
	switch c {
	case CloudUSGov:
		return Endpoints{"https://login.microsoftonline.us", "https://graph.microsoft.us"}
	case CloudUSDoD:
		return Endpoints{"https://login.microsoftonline.us", "https://dod-graph.microsoft.us"}
	case CloudChina:
		return Endpoints{"https://login.partner.microsoftonline.cn", "https://microsoftgraph.chinacloudapi.cn"}
	}
	return Endpoints{"https://login.microsoftonline.com", "https://graph.microsoft.com"}
}

// ParseCloud accepts a cloud by name, in any case.
func ParseCloud(s string) (Cloud, error) {
	c := Cloud(strings.ToLower(strings.TrimSpace(s)))
	for _, k := range Clouds {
		if c == k {
			return c, nil
		}
	}
	return "", &RuleError{Field: "cloud", Rule: fmt.Sprintf("the cloud must be one of global, usgov, usdod or china (got %q)", s)}
}
