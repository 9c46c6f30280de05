package emulator

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
)

// jwt is a decoded compact JWS: header and claims as generic maps, the
// signing input and the raw signature.
type jwt struct {
	header    map[string]any
	claims    map[string]any
	signed    string // "header.payload", the signing input
	signature []byte
}

var errMalformedJWT = errors.New("JWT is not well formed")

// parseJWT splits and decodes a compact JWT without verifying it.
func parseJWT(s string) (*jwt, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, errMalformedJWT
	}
	t := &jwt{signed: parts[0] + "." + parts[1]}
	if err := decodeSegment(parts[0], &t.header); err != nil {
		return nil, errMalformedJWT
	}
	if err := decodeSegment(parts[1], &t.claims); err != nil {
		return nil, errMalformedJWT
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errMalformedJWT
	}
	t.signature = sig
	return t, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	return dec.Decode(v)
}

func encodeSegment(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// signHS256 returns a compact JWT signed with HMAC-SHA256.
func signHS256(key []byte, header, claims map[string]any) string {
	header["alg"] = "HS256"
	in := encodeSegment(header) + "." + encodeSegment(claims)
	return in + "." + base64.RawURLEncoding.EncodeToString(hmacSHA256(key, in))
}

func hmacSHA256(key []byte, in string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(in))
	return m.Sum(nil)
}

// signES256 returns a compact JWT signed with ECDSA P-256 (raw r||s signature).
func signES256(key *ecdsa.PrivateKey, header, claims map[string]any) (string, error) {
	header["alg"] = "ES256"
	in := encodeSegment(header) + "." + encodeSegment(claims)
	sum := sha256.Sum256([]byte(in))
	r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
	if err != nil {
		return "", err
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return in + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// verify checks the signature with key for the header's alg: HS256 with a
// []byte key, ES256 with an ECDSA key, PS256 or RS256 with an RSA key.
func (t *jwt) verify(key any) bool {
	alg, _ := t.header["alg"].(string)
	sum := sha256.Sum256([]byte(t.signed))
	switch k := key.(type) {
	case []byte:
		return alg == "HS256" && hmac.Equal(t.signature, hmacSHA256(k, t.signed))
	case *ecdsa.PublicKey:
		if alg != "ES256" || len(t.signature) != 64 {
			return false
		}
		r := new(big.Int).SetBytes(t.signature[:32])
		s := new(big.Int).SetBytes(t.signature[32:])
		return ecdsa.Verify(k, sum[:], r, s)
	case *rsa.PublicKey:
		switch alg {
		case "PS256":
			return rsa.VerifyPSS(k, crypto.SHA256, sum[:], t.signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) == nil
		case "RS256":
			return rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], t.signature) == nil
		}
	}
	return false
}

// str returns a string claim ("" when absent or not a string).
func (t *jwt) str(name string) string {
	s, _ := t.claims[name].(string)
	return s
}

// num returns a numeric claim (NumericDate) and whether it was present.
func (t *jwt) num(name string) (int64, bool) {
	switch v := t.claims[name].(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n, true
		}
		if f, err := v.Float64(); err == nil {
			return int64(f), true
		}
	}
	return 0, false
}

// audiences returns the aud claim, which may be a string or an array.
func (t *jwt) audiences() []string {
	switch v := t.claims["aud"].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, a := range v {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
