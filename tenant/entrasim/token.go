package entrasim

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// signingKey is generated once per process: RSA key generation is slow
// under the race detector and every test starts its own server.
var (
	keyOnce sync.Once
	keyVal  *rsa.PrivateKey
	keyErr  error
)

func signingKey() (*rsa.PrivateKey, string, error) {
	keyOnce.Do(func() { keyVal, keyErr = rsa.GenerateKey(rand.Reader, 2048) })
	if keyErr != nil {
		return nil, "", fmt.Errorf("generate the token signing key: %w", keyErr)
	}
	sum := sha256.Sum256(keyVal.PublicKey.N.Bytes())
	return keyVal, base64.RawURLEncoding.EncodeToString(sum[:15]), nil
}

var b64 = base64.RawURLEncoding

// signJWT makes a compact RS256 JWS of claims.
func signJWT(key *rsa.PrivateKey, kid string, claims map[string]any) (string, error) {
	hdr, err := json.Marshal(map[string]string{"typ": "JWT", "alg": "RS256", "x5t": kid, "kid": kid})
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signing := b64.EncodeToString(hdr) + "." + b64.EncodeToString(body)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return signing + "." + b64.EncodeToString(sig), nil
}

// verifyJWT checks the RS256 signature and the lifetime, the way Graph
// does before it looks at anything else, and returns the claims.
func verifyJWT(key *rsa.PublicKey, token string, now time.Time) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("IDX14100: JWT is not well formed")
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("IDX10511: signature is not base64url")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig); err != nil {
		return nil, errors.New("IDX10511: signature validation failed")
	}
	raw, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, errors.New("IDX14100: JWT payload is not base64url")
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		return nil, errors.New("IDX14100: JWT payload is not JSON")
	}
	exp, _ := claims["exp"].(float64)
	if int64(exp) < now.Unix() {
		return nil, errors.New("Lifetime validation failed, the token is expired")
	}
	return claims, nil
}

// jwk is the public key as the tenant's discovery keys document lists it.
func jwk(key *rsa.PublicKey, kid string) map[string]any {
	return map[string]any{
		"kty": "RSA", "use": "sig", "kid": kid, "x5t": kid,
		"n": b64.EncodeToString(key.N.Bytes()),
		"e": b64.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
	}
}
