package entra

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// tokenClaims are the access-token claims the validator reads. The
// signature is not checked: the token came straight from Entra ID over TLS
// and is only read, never trusted by anyone else.
type tokenClaims struct {
	TenantID string   `json:"tid"`
	AppID    string   `json:"appid"` // v1 tokens
	AZP      string   `json:"azp"`   // v2 tokens
	ObjectID string   `json:"oid"`
	Roles    []string `json:"roles"`
	// Wids are the template IDs of the built-in directory roles assigned
	// to the app's service principal, plus tenant.RoleDefaultAppToken.
	Wids    []string `json:"wids"`
	AppName string   `json:"app_displayname"`
}

// Client is the application the token was issued to: appid in v1 tokens,
// azp in v2 ones.
func (c tokenClaims) Client() string {
	if c.AppID != "" {
		return c.AppID
	}
	return c.AZP
}

var errNotJWT = errors.New("the access token is not a JWT")

// decodeClaims reads the payload of a compact JWS without verifying it.
func decodeClaims(token string) (tokenClaims, error) {
	var c tokenClaims
	if err := decodePayload(token, &c); err != nil {
		return tokenClaims{}, err
	}
	return c, nil
}

// userClaims are what a signed-in admin's delegated token says of them.
type userClaims struct {
	UPN      string `json:"upn"`
	TenantID string `json:"tid"`
}

// decodePayload decodes a compact JWS's payload into out.
func decodePayload(token string, out any) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[1] == "" {
		return errNotJWT
	}
	payload := strings.TrimRight(parts[1], "=")
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		// Some issuers use the standard alphabet; accept it too.
		if raw, err = base64.RawStdEncoding.DecodeString(payload); err != nil {
			return errors.New("the access token's claims are not base64url")
		}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return errors.New("the access token's claims are not a JSON object of the expected shape")
	}
	return nil
}
